package io.lockstep.spark.train;

import io.lockstep.step.FlatVector;
import java.io.Serializable;

/** Where training stands when a worker joins: the next step the driver expects and its current parameters. */
record JoinState(long step, FlatVector params) implements Serializable {
}

package io.lockstep.spark.train;

import io.lockstep.step.FlatVector;
import java.io.Serializable;

/** The driver's answer to every worker after a step: the new parameters, and whether to stop. */
record StepReply(FlatVector params, boolean stop) implements Serializable {
}

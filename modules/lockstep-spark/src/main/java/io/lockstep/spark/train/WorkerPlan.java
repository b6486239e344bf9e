package io.lockstep.spark.train;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.nn.SyncMode;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.step.FlatVector;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything a barrier task needs to run its worker for one segment (steps [firstStep, endStep) of one epoch):
 * where the coordinator is, the network (configuration JSON and the driver's current parameters), and how to
 * cut batches from its shard.
 */
record WorkerPlan(EndpointAddress coordinator, int stageAttempt, int workers, int globalBatch, long seed, int epoch,
                  long epochFirstStep, long firstStep, long endStep, SyncMode syncMode, int threadsPerTask,
                  Duration askTimeout, String networkJson, boolean graph, FlatVector params,
                  FeatureShape featureShape, ChannelNormalization normalization) implements Serializable {
}

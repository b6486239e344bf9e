package io.lockstep.spark.train;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.nn.SyncMode;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.model.ModelSnapshot;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything a barrier task needs to run its worker for one segment (steps [firstStep, endStep) of one epoch):
 * where the coordinator is, the network (the driver's configuration and current parameters), and how to
 * cut batches from its shard.
 */
record WorkerPlan(EndpointAddress coordinator, int stageAttempt, int workers, int globalBatch, long seed, int epoch,
                  long epochFirstStep, long firstStep, long endStep, SyncMode syncMode, int threadsPerTask,
                  Duration askTimeout, ModelSnapshot model,
                  FeatureShape featureShape, ChannelNormalization normalization) implements Serializable {
}

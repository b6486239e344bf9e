package io.lockstep.spark.train;

import io.lockstep.model.ModelSnapshot;
import io.lockstep.nn.SyncMode;
import io.lockstep.spark.rpc.EndpointAddress;
import java.io.Serializable;
import java.time.Duration;

/**
 * What a {@link ShardWorker} needs to run one segment (up to endStep, within one epoch): where the coordinator
 * is, the network configuration, and how to cut batches from its shard. The step to start from and the
 * parameters come from the driver when the worker joins, so that a re-run stage resumes where the driver is.
 *
 * @param launch the driver's count of the stages it launched; with Spark's stage attempt number it names the attempt
 */
record ShardWorkerPlan(EndpointAddress coordinator, int launch, int workers, int globalBatch, long seed, int epoch,
                       long epochFirstStep, long endStep, SyncMode syncMode, int threadsPerTask,
                       Duration askTimeout, ModelSnapshot model) implements Serializable {
}

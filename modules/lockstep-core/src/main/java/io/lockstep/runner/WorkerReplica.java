package io.lockstep.runner;

import io.lockstep.collective.Collective;
import io.lockstep.model.Network;
import io.lockstep.nn.CollectiveBatchNormSync;
import io.lockstep.nn.SyncBatchNormLayer;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.FlatVector;
import io.lockstep.step.WorkerContribution;
import java.util.List;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * One worker's replica of the network and its half of a training step: forward and backward on its shard
 * (with SyncBN talking to the other workers through the collective), then the contribution for the driver.
 * The same class runs in a thread of the in-process runner and in a Spark barrier task.
 */
public final class WorkerReplica {
    private final Network network;
    private final int rank;
    private final CollectiveBatchNormSync sync;
    private final List<SyncBatchNormLayer> syncLayers;

    public WorkerReplica(Network network, SyncMode mode, Collective collective) {
        this.network = network.useNativeTrainingKernels();
        this.rank = collective.rank();
        this.sync = new CollectiveBatchNormSync(mode, collective);
        this.syncLayers = network.syncBatchNormLayers();
        for (SyncBatchNormLayer layer : syncLayers) {
            layer.attach(sync);
        }
    }

    public Network network() {
        return network;
    }

    /** Computes this worker's contribution to a step; a null or empty shard still takes part in every collective. */
    public WorkerContribution computeStep(long step, DataSet shard) {
        sync.beginStep(step);
        int length = (int) network.params().length();
        if (shard == null || shard.numExamples() == 0) {
            sync.participateWithoutData(syncLayers);
            return new WorkerContribution(step, rank, 0, 0.0,
                    FlatVector.zeros(network.params().dataType(), length), sync.localMoments());
        }
        network.computeGradient(shard);
        long examples = shard.numExamples();
        // DL4J's score is the mean loss plus the regularization penalty; the driver wants the loss sum.
        double lossSum = (network.score() - network.regularizationScore()) * examples;
        return new WorkerContribution(step, rank, examples, lossSum, FlatVector.of(network.flattenedGradients()),
                sync.localMoments());
    }

    /** Takes the driver's parameters (and running statistics) after a step. */
    public void setParameters(FlatVector params) {
        params.copyInto(network.params());
    }
}

package io.lockstep.nn;

import io.lockstep.collective.Collective;
import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.math.Moments;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One worker's {@link BatchNormSync} over a {@link Collective}. In {@link SyncMode#EXACT} every SyncBN layer
 * makes two all-reduces per step: its packed moments forward (Chan merge), its [sum(dy), sum(dy * x_hat)]
 * backward (sum). In every mode it records the worker's local moments per layer, which travel to the driver
 * with the gradients so that the driver can update the running statistics.
 */
public final class CollectiveBatchNormSync implements BatchNormSync {
    private final SyncMode mode;
    private final Collective collective;
    private final Map<Integer, Moments> localMoments = new TreeMap<>();
    private long step = -1;

    public CollectiveBatchNormSync(SyncMode mode, Collective collective) {
        this.mode = mode;
        this.collective = collective;
    }

    public SyncMode mode() {
        return mode;
    }

    /** Starts a training step: collective keys carry the step, and the recorded moments are cleared. */
    public void beginStep(long step) {
        this.step = step;
        localMoments.clear();
    }

    /** This worker's local moments of the current step, by layer index. */
    public Map<Integer, Moments> localMoments() {
        return Collections.unmodifiableMap(localMoments);
    }

    @Override
    public Moments forward(int layerIndex, Moments local) {
        localMoments.put(layerIndex, local);
        if (mode != SyncMode.EXACT) {
            return local;
        }
        double[] global = collective.allReduce(key(layerIndex, CollectiveKey.Phase.BN_FORWARD), local.pack(), Reduction.MOMENTS);
        return Moments.unpack(global);
    }

    @Override
    public double[] backward(int layerIndex, double[] localSums) {
        if (mode != SyncMode.EXACT) {
            return localSums;
        }
        return collective.allReduce(key(layerIndex, CollectiveKey.Phase.BN_BACKWARD), localSums, Reduction.SUM);
    }

    /**
     * Takes part in the current step without data (an empty shard): in exact mode, sends the neutral element of
     * every collective the layers would make, forward and backward, so that the other workers are not blocked.
     */
    public void participateWithoutData(List<SyncBatchNormLayer> layers) {
        for (SyncBatchNormLayer layer : layers) {
            int channels = (int) layer.configuration().getNOut();
            localMoments.put(layer.getIndex(), Moments.empty(channels));
            if (mode == SyncMode.EXACT) {
                collective.contribute(key(layer.getIndex(), CollectiveKey.Phase.BN_FORWARD),
                        Moments.empty(channels).pack(), Reduction.MOMENTS);
                collective.contribute(key(layer.getIndex(), CollectiveKey.Phase.BN_BACKWARD),
                        new double[2 * channels], Reduction.SUM);
            }
        }
    }

    private CollectiveKey key(int layerIndex, CollectiveKey.Phase phase) {
        if (step < 0) {
            throw new IllegalStateException("beginStep was not called before the first collective");
        }
        return new CollectiveKey(step, layerIndex, phase);
    }
}

package io.lockstep.model;

import io.lockstep.nn.SyncBatchNormLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * Moves a plain ReLU {@code ActivationLayer} into the SyncBN layer before it, for a replica that trains: the
 * SyncBN layer then applies the ReLU in its own passes ({@link SyncBatchNormLayer#fuseFollowingRelu}) and the
 * activation layer passes its input through. Same arithmetic; what it saves is libnd4j's {@code relu_bp}, which
 * calls a function object per element (a sixth of a LeNet-5 worker's step).
 *
 * <p>It changes the replica's configuration (the activation layer's function becomes identity), so it is for
 * networks Lockstep trains itself, never a user's model.
 */
final class BatchNormReluFusion {
    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    private BatchNormReluFusion() {
    }

    /** Fuses {@code next} into {@code layer} when they are a SyncBN layer and a plain ReLU activation layer. */
    static void fuseIfReluFollows(Layer layer, Layer next) {
        if (layer instanceof SyncBatchNormLayer batchNorm && next instanceof ActivationLayer
                && next.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer activation
                && PLAIN_RELU.equals(activation.getActivationFn())) {
            activation.setActivationFn(new ActivationIdentity());
            batchNorm.fuseFollowingRelu();
        }
    }
}

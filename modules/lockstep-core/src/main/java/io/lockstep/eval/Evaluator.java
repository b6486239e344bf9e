package io.lockstep.eval;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.model.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Classifies a set of images with a network in inference mode and counts the outcomes. */
public final class Evaluator {
    private static final int BATCH = 256;

    private Evaluator() {
    }

    public static ConfusionMatrix evaluate(Network network, LabeledImages images, FeatureShape shape,
                                           ChannelNormalization normalization) {
        ConfusionMatrix matrix = new ConfusionMatrix(images.numClasses());
        network.useNativeKernels();
        DataType dataType = network.params().dataType();
        for (int start = 0; start < images.count(); start += BATCH) {
            int size = Math.min(BATCH, images.count() - start);
            int[] indices = new int[size];
            for (int i = 0; i < size; i++) {
                indices[i] = start + i;
            }
            INDArray predictions = network.output(images.toDataSet(indices, shape, dataType, normalization).getFeatures())
                    .argMax(1);
            for (int i = 0; i < size; i++) {
                matrix.add(images.label(start + i), predictions.getInt(i));
            }
        }
        return matrix;
    }
}

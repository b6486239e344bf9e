package io.lockstep.testing;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Reproducible random classification batches. */
public final class RandomBatches {
    private RandomBatches() {
    }

    public static List<DataSet> of(long seed, int count, DataType dataType, long[] featureShape, int classes) {
        Nd4j.getRandom().setSeed(seed);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            INDArray features = Nd4j.rand(dataType, featureShape);
            INDArray labels = Nd4j.zeros(dataType, featureShape[0], classes);
            for (int row = 0; row < featureShape[0]; row++) {
                labels.putScalar(row, Nd4j.getRandom().nextInt(classes), 1.0);
            }
            batches.add(new DataSet(features, labels));
        }
        return batches;
    }
}

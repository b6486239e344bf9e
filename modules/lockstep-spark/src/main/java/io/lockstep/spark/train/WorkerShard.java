package io.lockstep.spark.train;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One worker's part of the training data, as a barrier task holds it: a fixed number of examples from which the
 * worker cuts its share of every global batch.
 */
public interface WorkerShard extends Serializable {

    /** Examples in this shard. */
    int count();

    /**
     * The mini-batch of the examples at {@code indices} (shard indices, in that order) in {@code epoch} (which a
     * random augmentation draws by), with features and labels in {@code type}, the network's data type.
     */
    DataSet batch(int[] indices, int epoch, DataType type);
}

package io.lockstep.spark.eval;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.ModelSnapshot;
import io.lockstep.model.Network;
import io.lockstep.spark.BroadcastPartitions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;

/**
 * Evaluation on Spark: the test set is split over the executors, each partition classifies its images with a
 * copy of the network (broadcast once), and the partitions' confusion matrices add up on the driver.
 */
public final class SparkEvaluator implements AutoCloseable {
    private final JavaSparkContext sc;
    private final BroadcastPartitions<LabeledImages> partitions;
    private final FeatureShape featureShape;
    private final ChannelNormalization normalization;

    /** Splits the test set once into the given number of cached partitions, shipped once per executor. */
    public SparkEvaluator(JavaSparkContext sc, LabeledImages testSet, int partitionCount, FeatureShape featureShape,
                          ChannelNormalization normalization) {
        this.sc = sc;
        this.partitions = new BroadcastPartitions<>(sc,
                TestSplits.contiguous(testSet, partitionCount).toArray(LabeledImages[]::new));
        this.featureShape = featureShape;
        this.normalization = normalization;
    }

    public ConfusionMatrix evaluate(Model model) {
        Broadcast<ModelSnapshot> snapshot = sc.broadcast(ModelSnapshot.of(model));
        FeatureShape shape = featureShape;
        ChannelNormalization norm = normalization;
        try {
            return partitions.partitions()
                    .map(images -> Evaluator.evaluate(Network.of(snapshot.value().toModel()), images, shape, norm))
                    .reduce(ConfusionMatrix::merge);
        } finally {
            snapshot.destroy();
        }
    }

    @Override
    public void close() {
        partitions.close();
    }
}

package io.lockstep.bench;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.spark.train.EpochOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's own Spark training under the {@link PeerProtocol}: {@code dl4j-spark3_2.12} 1.0.0-M2's
 * ParameterAveragingTrainingMaster with the settings of DL4J's Spark examples (deeplearning4j-examples,
 * {@code MnistMLPExample}: {@code averagingFrequency(5)}, {@code workerPrefetchNumBatches(2)}), 2 workers of 64
 * examples (so 128 examples per parallel step, the global batch of the others), DL4J's BatchNormalization, ND4J
 * threads per task = cores / workers (as Lockstep's). Its data as DL4J's data-pipeline guide recommends
 * ("preprocess your data once, and save it"): DataSets of 64 examples saved to files and trained with
 * {@code fitPaths}. The files of each epoch are written before it, in the epoch's own seeded order, with the clock
 * stopped; each {@code fitPaths} call trains the steps up to the next evaluation.
 */
final class ParamAvgPeer {
    static final int WORKERS = 2;
    static final int AVERAGING_FREQUENCY = 5;
    static final int PREFETCH_BATCHES = 2;

    private ParamAvgPeer() {
    }

    static PeerResult run(JavaSparkContext sc, PeerData data, PeerProtocol protocol, long seed,
                          Consumer<String> progress) {
        int perWorker = protocol.globalBatch() / WORKERS;
        int threads = Math.max(1, Machine.cores() / WORKERS);
        // In local mode the tasks run in this JVM, whose ND4J thread counts are process-wide.
        Nd4jThreads.use(threads);
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.dl4j(seed));
        net.init();
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(WORKERS, perWorker)
                .batchSizePerWorker(perWorker)
                .averagingFrequency(AVERAGING_FREQUENCY)
                .workerPrefetchNumBatches(PREFETCH_BATCHES)
                .rngSeed(seed)
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
        ProtocolRun run = new ProtocolRun(Contender.PARAM_AVG, protocol, TrainingClock.system(), progress);
        Path dir = temporaryDirectory();
        try {
            List<String> files = List.of();
            long done = 0;
            while (true) {
                int epoch = (int) (done / protocol.stepsPerEpoch());
                long epochFirst = (long) epoch * protocol.stepsPerEpoch();
                if (done == epochFirst) {
                    run.pauseClock();
                    files = writeEpoch(data, epoch, protocol.stepsPerEpoch() * WORKERS, perWorker, seed, dir);
                    run.resumeClock();
                }
                // a step is WORKERS files trained side by side; a chunk ends at the next evaluation or the epoch's end
                long next = Math.min(protocol.nextEvaluation(done), epochFirst + protocol.stepsPerEpoch());
                List<String> chunk = files.subList((int) (done - epochFirst) * WORKERS,
                        (int) (next - epochFirst) * WORKERS);
                sparkNet.fitPaths(sc.parallelize(chunk, WORKERS));
                done = next;
                if (run.trained(done, () -> data.testAccuracy(sparkNet.getNetwork()))) {
                    break;
                }
            }
        } finally {
            master.deleteTempFiles(sc);
            delete(dir);
        }
        return run.finish(WORKERS + " workers x " + perWorker + ", averagingFrequency " + AVERAGING_FREQUENCY
                + ", workerPrefetchNumBatches " + PREFETCH_BATCHES + ", fitPaths on saved DataSets of " + perWorker
                + ", ND4J threads per task " + threads);
    }

    /** The epoch's DataSets of {@code perWorker} examples in its seeded order, replacing the previous epoch's files. */
    private static List<String> writeEpoch(PeerData data, int epoch, int count, int perWorker, long seed, Path dir) {
        deleteContents(dir);
        LabeledImages train = data.train();
        int[] order = EpochOrder.of(seed, epoch, -1, train.count());
        List<String> files = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(String.format("epoch-%d-batch-%05d.bin", epoch, i));
            train.toDataSet(EpochOrder.batch(order, i, perWorker), FeatureShape.FLAT, DataType.FLOAT,
                    data.normalization()).save(file.toFile());
            files.add(file.toUri().toString());
        }
        return files;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("lockstep-peers-paramavg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for DL4J's DataSet files: " + e.getMessage(), e);
        }
    }

    private static void deleteContents(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}

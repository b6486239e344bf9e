package io.lockstep.bench;

import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Lockstep as users run it: {@link SparkTrainer#train} with W barrier workers in Spark local mode, exact SyncBN,
 * the default ND4J threads per task (the JVM's cores / W), and a listener that records each step's time on the
 * driver (from one reply to the next: the whole step as the workers see it) and the driver's own part of it.
 */
final class LockstepStepBenchmark {
    private LockstepStepBenchmark() {
    }

    /**
     * @param step   the per-step time, reply to reply
     * @param driver the driver's part (reduce, clip, DL4J updater, copy of the new parameters)
     */
    record Result(Summary step, Summary driver, int threadsPerTask, Nd4jThreads threadsAfter, double firstLoss,
                  double lastLoss, int epochs) {
    }

    static Result run(JavaSparkContext sc, BenchData data, int workers, int globalBatch, int warmup, int steps,
                      long seed) {
        int total = warmup + steps;
        int stepsPerEpoch = data.images().count() / globalBatch;
        int epochs = (total + stepsPerEpoch - 1) / stepsPerEpoch;
        TrainingOptions options = TrainingOptions.of(workers, globalBatch, epochs).withMaxSteps(total).withSeed(seed);
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.lockstep(seed));
        net.init();
        List<double[]> timings = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        TrainingResult result = SparkTrainer.train(sc, net, data.images(), data.normalization(), options,
                (outcome, epoch, stepMillis, driverMillis) -> {
                    timings.add(new double[] {stepMillis, driverMillis});
                    losses.add(outcome.loss());
                });
        if (result.steps() != total) {
            throw new IllegalStateException("Lockstep ran " + result.steps() + " steps, expected " + total);
        }
        double[] step = new double[steps];
        double[] driver = new double[steps];
        for (int i = 0; i < steps; i++) {
            step[i] = timings.get(warmup + i)[0];
            driver[i] = timings.get(warmup + i)[1];
        }
        return new Result(Summary.ofMillis(step), Summary.ofMillis(driver),
                Math.max(1, Machine.cores() / workers), Nd4jThreads.current(), losses.get(0),
                losses.get(losses.size() - 1), epochs);
    }
}

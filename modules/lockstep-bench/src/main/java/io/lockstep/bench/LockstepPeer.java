package io.lockstep.bench;

import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.StepListener;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import io.lockstep.step.StepOutcome;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Lockstep under the {@link PeerProtocol}: {@link SparkTrainer} with W barrier workers in Spark local mode, exact
 * SyncBN, its default ND4J threads per task (cores / W). The test set is evaluated on the driver's model from the
 * step listener, while the workers wait for the step's reply (the clock stands still meanwhile); the listener stops
 * training at the evaluation that reaches the target ({@link StepListener#stopRequested}). One SparkTrainer call
 * for all epochs: the shards are broadcast once.
 */
final class LockstepPeer {
    private LockstepPeer() {
    }

    static PeerResult run(JavaSparkContext sc, int workers, PeerData data, PeerProtocol protocol, long seed,
                          Consumer<String> progress) {
        Contender contender = workers == 1 ? Contender.LOCKSTEP_W1 : Contender.LOCKSTEP_W2;
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.lockstep(seed));
        net.init();
        ProtocolRun run = new ProtocolRun(contender, protocol, TrainingClock.system(), progress);
        StepListener listener = new StepListener() {
            @Override
            public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
                run.trained(outcome.step() + 1, () -> data.testAccuracy(net));
            }

            @Override
            public boolean stopRequested() {
                return run.reachedTarget();
            }
        };
        TrainingOptions options = TrainingOptions.of(workers, protocol.globalBatch(), protocol.maxEpochs())
                .withSeed(seed);
        run.resumeClock();
        TrainingResult result = SparkTrainer.train(sc, net, data.train(), data.normalization(), options, listener);
        if (!run.reachedTarget() && result.steps() != protocol.totalSteps()) {
            throw new IllegalStateException(contender.id() + " trained " + result.steps() + " steps, the protocol's "
                    + protocol.maxEpochs() + " epochs have " + protocol.totalSteps());
        }
        return run.finish("Spark local[" + sc.defaultParallelism() + "], " + workers + " worker" + (workers == 1 ? "" : "s")
                + " x " + protocol.globalBatch() / workers + ", exact SyncBN, ND4J threads per task "
                + Math.max(1, Machine.cores() / workers));
    }
}

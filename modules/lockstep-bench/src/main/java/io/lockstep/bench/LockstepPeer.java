package io.lockstep.bench;

import io.lockstep.checkpoint.TrainingState;
import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.StepListener;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Lockstep under the {@link PeerProtocol}: {@link SparkTrainer} with W barrier workers in Spark local mode, exact
 * SyncBN, its default ND4J threads per task (cores / W). The test set is evaluated on the driver's model from the
 * step listener, while the workers wait for the step's reply (the clock stands still meanwhile). SparkTrainer has no
 * early stop, so it trains one epoch per call, resumed at the epoch's first step (the same data order as one call
 * for all epochs); after the epoch in which the target was reached it is not called again.
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
        StepListener listener = (outcome, epoch, stepMillis, driverMillis) ->
                run.trained(outcome.step() + 1, () -> data.testAccuracy(net));
        run.resumeClock();
        for (int epoch = 0; epoch < protocol.maxEpochs() && !run.reachedTarget(); epoch++) {
            long first = (long) epoch * protocol.stepsPerEpoch();
            TrainingOptions options = TrainingOptions.of(workers, protocol.globalBatch(), epoch + 1).withSeed(seed);
            TrainingResult result = SparkTrainer.train(sc, net, data.train(), data.normalization(), options, listener,
                    null, new TrainingState(first, seed, null, 0, 0, 0));
            if (result.steps() != protocol.stepsPerEpoch()) {
                throw new IllegalStateException(contender.id() + " trained " + result.steps() + " steps in epoch "
                        + epoch + ", the protocol's epoch has " + protocol.stepsPerEpoch());
            }
        }
        return run.finish("Spark local[" + sc.defaultParallelism() + "], " + workers + " worker" + (workers == 1 ? "" : "s")
                + " x " + protocol.globalBatch() / workers + ", exact SyncBN, ND4J threads per task "
                + Math.max(1, Machine.cores() / workers));
    }
}

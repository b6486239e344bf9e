package io.lockstep.bench;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.spark.train.EpochOrder;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's own single-JVM training under the {@link PeerProtocol}: {@code fit()} on one global batch per step, DL4J's
 * BatchNormalization, ND4J on all cores, each epoch in a fresh seeded order ({@link EpochOrder}, as Lockstep's).
 */
final class Dl4jFitPeer {
    private Dl4jFitPeer() {
    }

    static PeerResult run(PeerData data, PeerProtocol protocol, long seed, Consumer<String> progress) {
        Nd4jThreads.use(Machine.cores());
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.dl4j(seed));
        net.init();
        LabeledImages train = data.train();
        ProtocolRun run = new ProtocolRun(Contender.DL4J_FIT, protocol, TrainingClock.system(), progress);
        int[] order = null;
        run.resumeClock();
        for (long step = 0; ; step++) {
            int inEpoch = (int) (step % protocol.stepsPerEpoch());
            if (inEpoch == 0) {
                order = EpochOrder.of(seed, (int) (step / protocol.stepsPerEpoch()), -1, train.count());
            }
            net.fit(train.toDataSet(EpochOrder.batch(order, inEpoch, protocol.globalBatch()), FeatureShape.FLAT,
                    DataType.FLOAT, data.normalization()));
            if (run.trained(step + 1, () -> data.testAccuracy(net))) {
                break;
            }
        }
        return run.finish("one JVM, ND4J threads: " + Nd4jThreads.current());
    }
}

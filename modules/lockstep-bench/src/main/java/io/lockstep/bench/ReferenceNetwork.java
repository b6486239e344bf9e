package io.lockstep.bench;

import java.util.List;

/**
 * The networks of {@code docs/scaling.md}'s projections, from 0.06M to 100M parameters. Two are measured on this
 * machine (LeNet-5-BN and ResNet-20); the others take the compute per forward multiply-add measured on another
 * network (the dense MLP, or ResNet-20) times their own multiply-adds.
 *
 * @param parameters  the flat vector Lockstep moves: trainable values plus SyncBN running means and variances
 * @param bnChannels  the mean channel count of the SyncBN layers
 * @param forwardMacs multiply-adds of one example's forward pass
 */
record ReferenceNetwork(String name, long parameters, int bnLayers, double bnChannels, double forwardMacs) {

    /**
     * LeNet-5-BN (io.lockstep.zoo.LeNet5): 28x28x6x25 + 10x10x16x150 + 400x120 + 120x84 + 84x10 multiply-adds;
     * 61,706 trainable values and 2 x 339 running statistics; SyncBN channels 6, 16, 120, 84.
     */
    static final ReferenceNetwork LENET5_BN = new ReferenceNetwork("LeNet-5-BN", 62_384, 4, 56.5, 416_520);
    /**
     * ResNet-20 (io.lockstep.zoo.ResNet20, option A): 269,722 trainable values and 2 x 688 running statistics; 19
     * SyncBN layers (7 of 16, 6 of 32, 6 of 64 channels); 40.55M multiply-adds (stem 0.44M, stage 1 14.16M, stages 2
     * and 3 12.98M each).
     */
    static final ReferenceNetwork RESNET20 = new ReferenceNetwork("ResNet-20", 271_098, 19, 36.2, 40_551_040);
    /** MobileNet v1 1.0-224 (Howard et al. 2017): 4.23M trainable, 27 BN layers of 10,944 channels, 569M mult-adds. */
    static final ReferenceNetwork MOBILENET_V1 = new ReferenceNetwork("MobileNet-v1", 4_253_864, 27, 405.3, 569e6);
    /** ResNet-50 (He et al. 2016; torchvision): 25.56M trainable, 53 BN layers of 26,560 channels, 4.09G mult-adds. */
    static final ReferenceNetwork RESNET50 = new ReferenceNetwork("ResNet-50", 25_610_152, 53, 501.1, 4.09e9);
    /** A dense network of 100M parameters (4 BN layers of 4,096): one multiply-add per weight and example. */
    static final ReferenceNetwork DENSE_100M = new ReferenceNetwork("dense 100M", 100_000_000, 4, 4096, 1e8);

    /**
     * The dense network measured here (io.lockstep.zoo.Mlp 784-1700-1700-10): 4,239,800 weights, 2 x 6,800 batch-norm
     * values, 10 biases; one multiply-add per weight and example.
     */
    static final ReferenceNetwork MLP_4M = new ReferenceNetwork("MLP 784-1700-1700-10", 4_253_410, 2, 1700, 4_239_800);
    static final int MLP_4M_WIDTH = 1700;

    /** The networks of the projections (not the MLP, which only measures the compute of dense products). */
    static List<ReferenceNetwork> all() {
        return List.of(LENET5_BN, RESNET20, MOBILENET_V1, RESNET50, DENSE_100M);
    }

    /** This network with a measured compute per step on one core. */
    ScalingModel.Workload measured(double fixedMs, double perExampleMs) {
        return new ScalingModel.Workload(name, parameters, Float.BYTES, bnLayers, bnChannels, fixedMs, perExampleMs);
    }

    /** This network with the compute per forward multiply-add measured on another network of its kind. */
    ScalingModel.Workload scaledFrom(ReferenceNetwork measured, double measuredPerExampleMs) {
        return measured(0, measuredPerExampleMs * forwardMacs / measured.forwardMacs);
    }
}

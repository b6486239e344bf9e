package io.lockstep.cli;

/** The networks {@code lockstep.model} can name; {@link Models} builds them. */
enum ModelName {
    /** LeNet-5 with synchronized batch norm, {@link io.lockstep.zoo.LeNet5}: 28x28 grey images. */
    LENET5_BN("lenet5-bn"),
    /** A two-hidden-layer perceptron with synchronized batch norm, {@link io.lockstep.zoo.Mlp}: any image size. */
    MLP("mlp"),
    /** The CIFAR ResNet-20 with synchronized batch norm, {@link io.lockstep.zoo.ResNet20}: 32x32 colour images. */
    RESNET20_BN("resnet20-bn");

    private final String spelling;

    ModelName(String spelling) {
        this.spelling = spelling;
    }

    String spelling() {
        return spelling;
    }
}

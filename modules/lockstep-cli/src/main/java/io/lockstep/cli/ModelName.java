package io.lockstep.cli;

/** The networks {@code lockstep.model} can name; {@link Models} builds them. */
enum ModelName {
    /** LeNet-5 with synchronized batch norm, {@link io.lockstep.zoo.LeNet5}: 28x28 grey images. */
    LENET5_BN("lenet5-bn"),
    /** A two-hidden-layer perceptron with synchronized batch norm, {@link io.lockstep.zoo.Mlp}: any image size. */
    MLP("mlp");

    private final String spelling;

    ModelName(String spelling) {
        this.spelling = spelling;
    }

    String spelling() {
        return spelling;
    }
}

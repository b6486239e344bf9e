package io.lockstep.cli;

import java.util.Locale;

/** The optimizers {@code lockstep.optimizer.name} can name; each is ND4J's own updater (see {@link Optimizers}). */
enum OptimizerName {
    /** Plain stochastic gradient descent, ND4J's {@code Sgd}. */
    SGD(false),
    /** SGD with Nesterov momentum, ND4J's {@code Nesterovs}. */
    NESTEROV(true),
    /** Adam; weight decay is L2 added to the gradient (PyTorch's {@code Adam(weight_decay=...)}). */
    ADAM(true),
    /** Adam with decoupled weight decay (Loshchilov and Hutter 2019; PyTorch's {@code AdamW}). */
    ADAMW(true),
    /** RMSprop, ND4J's {@code RmsProp}. */
    RMSPROP(false);

    private final boolean hasMomentum;

    OptimizerName(boolean hasMomentum) {
        this.hasMomentum = hasMomentum;
    }

    /** Whether {@code lockstep.optimizer.momentum} means something for this optimizer. */
    boolean hasMomentum() {
        return hasMomentum;
    }

    /** The configuration spelling: {@code sgd}, {@code adamw}, ... */
    String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}

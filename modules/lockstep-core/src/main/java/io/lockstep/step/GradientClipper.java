package io.lockstep.step;

import io.lockstep.math.ArrayElements;
import io.lockstep.model.ParameterLayout;
import io.lockstep.model.ParameterLayout.Slot;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Clips the trainable part of a flat, averaged gradient in place (running statistics are state, not gradient,
 * and are never touched). See {@link ClippingConfig} for the three clips and their order.
 */
public final class GradientClipper {
    /** torch.nn.utils.clip_grad_norm_'s guard against division by zero. */
    static final double NORM_EPSILON = 1e-6;
    /** AGC's floor on the parameter norm, so that zero-initialized units can still move (Brock et al. 2021). */
    static final double AGC_EPSILON = 1e-3;

    /** What clipping saw and did. {@code coefficient} is the global-norm clip factor (1 when not clipped). */
    public record Report(double normBeforeClipping, double coefficient, boolean finite) {
        public boolean clipped() {
            return coefficient < 1.0;
        }
    }

    private final ClippingConfig config;
    private final List<Slot> trainable;

    public GradientClipper(ClippingConfig config, ParameterLayout layout) {
        this.config = config;
        this.trainable = layout.trainableSlots();
    }

    public Report clip(INDArray gradient, INDArray params) {
        return clip(gradient, params, globalNorm(gradient));
    }

    /** As {@link #clip(INDArray, INDArray)}, given the gradient's {@link #globalNorm} (computed by the caller). */
    public Report clip(INDArray gradient, INDArray params, double norm) {
        if (!Double.isFinite(norm)) {
            return new Report(norm, 1.0, false);
        }
        if (config.agc() > 0) {
            clipAdaptively(gradient, params);
        }
        if (config.value() > 0) {
            for (Slot slot : trainable) {
                INDArray g = view(gradient, slot);
                g.assign(Transforms.min(Transforms.max(g, -config.value(), true), config.value(), false));
            }
        }
        double coefficient = 1.0;
        if (config.globalNorm() > 0) {
            double current = config.agc() > 0 || config.value() > 0 ? globalNorm(gradient) : norm;
            // clip_grad_norm_: coef = max_norm / (total_norm + 1e-6), applied only when < 1.
            double candidate = config.globalNorm() / (current + NORM_EPSILON);
            if (candidate < 1.0) {
                coefficient = candidate;
                for (Slot slot : trainable) {
                    view(gradient, slot).muli(coefficient);
                }
            }
        }
        return new Report(norm, coefficient, true);
    }

    /** L2 norm of all trainable gradients as one vector, accumulated in double. */
    public double globalNorm(INDArray gradient) {
        double sumOfSquares = 0;
        for (double slotSum : sumsOfSquares(gradient, trainable)) {
            sumOfSquares += slotSum;
        }
        return Math.sqrt(sumOfSquares);
    }

    /** Each slot's sum of squares in a flat vector, accumulated in double, in one pass in plain Java. */
    static double[] sumsOfSquares(INDArray flat, List<Slot> slots) {
        ArrayElements elements = ArrayElements.of(ArrayElements.dense(flat));
        double[] sums = new double[slots.size()];
        for (int k = 0; k < sums.length; k++) {
            Slot slot = slots.get(k);
            sums[k] = elements.sumOfSquares(Math.toIntExact(slot.offset()), Math.toIntExact(slot.end()));
        }
        return sums;
    }

    /**
     * AGC: for every unit i (an output unit: a column of a dense [nIn, nOut] weight, an output channel of a
     * convolution kernel, a single element of a bias or BN vector), if ||G_i|| / max(||W_i||, eps) > lambda then
     * G_i = lambda * max(||W_i||, eps) / ||G_i|| * G_i.
     */
    private void clipAdaptively(INDArray gradient, INDArray params) {
        for (Slot slot : trainable) {
            INDArray g = view(gradient, slot).reshape(slot.ordering(), slot.shape()).dup(slot.ordering());
            INDArray w = view(params, slot).reshape(slot.ordering(), slot.shape());
            int[] unitDims = unitReductionDims(slot.shape());
            INDArray gNorm = unitDims.length == 0 ? Transforms.abs(g, true) : g.norm2(true, unitDims);
            INDArray wNorm = unitDims.length == 0 ? Transforms.abs(w, true) : w.norm2(true, unitDims);
            INDArray maxNorm = Transforms.max(wNorm, AGC_EPSILON, false).muli(config.agc());
            // factor = min(1, maxNorm / ||G_i||), with 0/0 -> 1
            INDArray factor = maxNorm.div(Transforms.max(gNorm, Double.MIN_NORMAL, true));
            Transforms.min(factor, 1.0, false);
            g.muli(factor.broadcast(g.shape()));
            view(gradient, slot).assign(g.reshape(slot.ordering(), new long[] {slot.length()}));
        }
    }

    /** Dimensions to reduce over to get one norm per output unit. */
    private static int[] unitReductionDims(long[] shape) {
        if (shape.length == 2 && shape[0] > 1 && shape[1] > 1) {
            return new int[] {0};
        }
        if (shape.length == 4) {
            return new int[] {1, 2, 3};
        }
        return new int[0];
    }

    static INDArray view(INDArray flat, Slot slot) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(slot.offset(), slot.end()));
    }
}

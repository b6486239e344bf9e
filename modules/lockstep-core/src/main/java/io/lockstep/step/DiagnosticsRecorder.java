package io.lockstep.step;

import io.lockstep.math.Moments;
import io.lockstep.model.ParameterLayout;
import io.lockstep.model.ParameterLayout.Slot;
import io.lockstep.nn.SyncBatchNormLayer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Computes a step's {@link StepDiagnostics} from the driver's flat gradient, update and parameters. */
final class DiagnosticsRecorder {
    private final List<Slot> trainable;
    /** The SyncBN layers by key prefix, the names the gradient norms use too. */
    private final Map<String, SyncBatchNormLayer> batchNormLayers = new LinkedHashMap<>();
    private Map<String, Double> gradientNorms;

    DiagnosticsRecorder(ParameterLayout layout) {
        this.trainable = layout.trainableSlots();
        for (Slot slot : layout.runningStatisticSlots()) {
            batchNormLayers.put(layerOf(slot), (SyncBatchNormLayer) slot.layer());
        }
    }

    /**
     * Before clipping: each layer's gradient norm. Returns the global norm of all trainable gradients, summed over
     * the slots in the order {@link GradientClipper#globalNorm} sums them, so the clipper need not compute it again.
     */
    double recordGradient(INDArray gradient) {
        double[] total = new double[1];
        gradientNorms = layerNorms(gradient, total);
        return Math.sqrt(total[0]);
    }

    /** After the updater (update = what is about to be subtracted) or for a skipped step (update = null). */
    StepDiagnostics finish(INDArray update, INDArray params, StepAggregate aggregate) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        if (update != null) {
            Map<String, Double> updateNorms = layerNorms(update, new double[1]);
            Map<String, Double> paramNorms = layerNorms(params, new double[1]);
            updateNorms.forEach((layer, norm) -> ratios.put(layer, norm / Math.max(paramNorms.get(layer), Double.MIN_NORMAL)));
        }
        Map<String, BatchNormSummary> batchNorm = new LinkedHashMap<>();
        batchNormLayers.forEach((name, layer) ->
                batchNorm.put(name, BatchNormSummary.of(Moments.mergeInOrder(aggregate.moments(layer.getIndex())))));
        return new StepDiagnostics(gradientNorms, ratios, batchNorm);
    }

    /** Each layer's L2 norm; {@code total[0]} receives the sum of squares over all slots, in slot order. */
    private Map<String, Double> layerNorms(INDArray flat, double[] total) {
        double[] slotSums = GradientClipper.sumsOfSquares(flat, trainable);
        Map<String, Double> sumsOfSquares = new LinkedHashMap<>();
        for (int k = 0; k < slotSums.length; k++) {
            sumsOfSquares.merge(layerOf(trainable.get(k)), slotSums[k], Double::sum);
            total[0] += slotSums[k];
        }
        sumsOfSquares.replaceAll((layer, squares) -> Math.sqrt(squares));
        return sumsOfSquares;
    }

    private static String layerOf(Slot slot) {
        return slot.key().substring(0, slot.key().lastIndexOf('_'));
    }
}

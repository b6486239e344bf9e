package io.lockstep.nn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Stand-alone batch-norm layer instances for layer-level tests, built the way DL4J's own tests build them. */
final class BatchNormLayers {
    private BatchNormLayers() {
    }

    static Layer instantiate(BatchNormalization conf, DataType dataType) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(dataType).layer(conf).build();
        long numParams = conf.initializer().numParams(nnc);
        INDArray params = Nd4j.create(dataType, 1, numParams);
        Layer layer = nnc.getLayer().instantiate(nnc, null, 0, params, true, dataType);
        layer.setBackpropGradientsViewArray(Nd4j.create(dataType, 1, numParams));
        return layer;
    }

    static BatchNormalization dl4j(int channels, boolean conv) {
        BatchNormalization.Builder builder = new BatchNormalization.Builder().nIn(channels).nOut(channels).useLogStd(false);
        if (conv) {
            builder.dataFormat(CNN2DFormat.NCHW);
        }
        return builder.build();
    }

    static SyncBatchNormalization sync(int channels, boolean conv, boolean unbiased) {
        SyncBatchNormalization.Builder builder = new SyncBatchNormalization.Builder().unbiasedRunningVariance(unbiased);
        builder.nIn(channels).nOut(channels);
        if (conv) {
            builder.dataFormat(CNN2DFormat.NCHW);
        }
        return (SyncBatchNormalization) builder.build();
    }
}

package io.lockstep.model;

import io.lockstep.step.FlatVector;
import java.io.Serializable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A network as it travels to Spark tasks: its DL4J configuration as JSON and its flat parameters (running
 * statistics included). {@link #toModel()} rebuilds an identical network.
 */
public final class ModelSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String configurationJson;
    private final boolean graph;
    private final FlatVector params;

    private ModelSnapshot(String configurationJson, boolean graph, FlatVector params) {
        this.configurationJson = configurationJson;
        this.graph = graph;
        this.params = params;
    }

    public static ModelSnapshot of(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return new ModelSnapshot(net.getLayerWiseConfigurations().toJson(), false, FlatVector.of(net.params()));
        }
        if (model instanceof ComputationGraph graph) {
            return new ModelSnapshot(graph.getConfiguration().toJson(), true, FlatVector.of(graph.params()));
        }
        throw new IllegalArgumentException("unsupported DL4J model type " + model.getClass().getName());
    }

    /** A new, initialized network with this configuration and these parameters. */
    public Model toModel() {
        if (graph) {
            ComputationGraph network = new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
            network.init(params.toRowVector(), false);
            return network;
        }
        MultiLayerNetwork network = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        network.init(params.toRowVector(), false);
        return network;
    }
}

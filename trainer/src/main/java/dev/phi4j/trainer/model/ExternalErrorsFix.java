package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Works around two DL4J 1.0.0-M2.1 bugs in its SameDiff layers and vertices. First: when a SameDiff layer or vertex backpropagates, SameDiff adds the incoming
 * errors dL/d(output) into the output's gradient twice, so every gradient it returns (its parameters' and its
 * input's) is exactly 2× too large, compounding to 2^k through k stacked layers. Adam hides a constant factor per
 * parameter; gradient clipping, plain SGD and finite differences do not. Halving the incoming errors makes the
 * gradients exact. {@code DecoderGradientTest} checks them against finite differences, so a DL4J release that fixes
 * the bug shows up there as gradients 2× too small.
 */
final class ExternalErrorsFix {

    private static final double SAMEDIFF_DOUBLE_COUNT = 0.5;

    private ExternalErrorsFix() {}

    /** The runtime of a {@code SameDiffLayer}, with exact gradients. */
    static final class Layer extends SameDiffLayer {

        Layer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return super.backpropGradient(epsilon.mul(SAMEDIFF_DOUBLE_COUNT), workspaceMgr);
        }
    }

    /** The runtime of a {@code SameDiffVertex}, with exact gradients. */
    static final class Vertex extends SameDiffGraphVertex {

        Vertex(SameDiffVertex config, ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
               boolean initParams, DataType dataType) {
            super(config, graph, name, vertexIndex, paramsView, initParams, dataType);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            createGradientGraphOutsideWorkspaces();
            epsilon = epsilon.mul(SAMEDIFF_DOUBLE_COUNT);
            return super.doBackward(tbptt, workspaceMgr);
        }

        /**
         * M2.1's vertex builds its gradient graph inside the active backprop workspace (its layer counterpart
         * scopes out first), so the gradient graph's constants live in memory that the next iteration overwrites:
         * zero gradients, or reduce ops reading a garbage axis. Building it here first, outside any workspace,
         * leaves the vertex nothing to build.
         */
        private void createGradientGraphOutsideWorkspaces() {
            if (sameDiff.hasGradientFunction()) {
                return;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                sameDiff.createGradFunction(config.getVertexParams().getInputs().toArray(new String[0]));
            }
        }
    }
}

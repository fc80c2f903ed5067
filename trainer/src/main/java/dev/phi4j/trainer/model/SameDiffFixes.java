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
 * The runtimes of DL4J 1.0.0-M2.1's SameDiff layers and vertices, with two bugs worked around. Both were found by
 * {@code DecoderGradientTest}, which differences every weight, so a DL4J release that fixes either shows up there.
 * <ol>
 *   <li>On backprop, SameDiff adds the incoming errors dL/d(output) into the output's gradient twice: every
 *       gradient a SameDiff layer returns (its parameters' and its input's) is exactly 2× too large, compounding
 *       to 2^k through k stacked layers. Adam hides a constant factor per parameter; gradient clipping, plain SGD
 *       and finite differences do not. Halving the incoming errors makes the gradients exact.</li>
 *   <li>A vertex (unlike a layer) builds its gradient graph inside the active backprop workspace, so the gradient
 *       graph's constants live in memory the next iteration overwrites: zero gradients, or reduce ops that read a
 *       garbage axis. Building it first, outside any workspace, leaves the vertex nothing to build.</li>
 * </ol>
 */
final class SameDiffFixes {

    private static final double UNDO_DOUBLE_COUNT = 0.5;

    private SameDiffFixes() {}

    /** The runtime of a {@code SameDiffLayer}, with exact gradients. */
    static final class Layer extends SameDiffLayer {

        Layer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return super.backpropGradient(epsilon.mul(UNDO_DOUBLE_COUNT), workspaceMgr);
        }
    }

    /** The runtime of a {@code SameDiffVertex}, with exact gradients. */
    @SuppressWarnings("overrides") // DL4J's BaseGraphVertex drops the varargs of GraphVertex.setInputs
    static final class Vertex extends SameDiffGraphVertex {

        Vertex(SameDiffVertex config, ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
               boolean initParams, DataType dataType) {
            super(config, graph, name, vertexIndex, paramsView, initParams, dataType);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            createGradientGraphOutsideWorkspaces();
            epsilon = epsilon.mul(UNDO_DOUBLE_COUNT);
            return super.doBackward(tbptt, workspaceMgr);
        }

        /** Bug 2 in the class comment. */
        @SuppressWarnings("try") // the scope is the point; the resource itself is not used
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

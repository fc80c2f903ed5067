package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a graph vertex whose forward and backward passes are written by hand in ND4J: its named
 * parameters and the training settings DL4J's updater asks every parameterised vertex for.
 *
 * <p>Parameters sit in the vertex's slice of the network's flattened parameter vector in {@link #parameters()} order.
 * Matrices are column-major ('f') views, as DL4J keeps its own layers' weights: consecutive matrices with the same
 * number of rows then form one larger matrix, so a block's q, k and v projections (or gate and up) are one GEMM.
 * Norm gains are vectors and never decay (the recipe's no-decay group), whatever the global settings say.
 *
 * <p>The no-argument constructor and the getters and setters let DL4J rebuild a vertex from its JSON configuration.
 */
public abstract class ParameterizedVertex extends GraphVertex implements TrainingConfig {

    /** One parameter: a matrix (decays, 'f' order) or a norm gain (never decays). */
    record Parameter(String name, long[] shape, boolean gain) {

        static Parameter matrix(String name, long rows, long columns) {
            return new Parameter(name, new long[] {rows, columns}, false);
        }

        static Parameter gain(String name, long length) {
            return new Parameter(name, new long[] {length}, true);
        }

        long length() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    protected String name;
    protected IUpdater updater;
    protected IUpdater gainUpdater;
    protected List<Regularization> regularization = new ArrayList<>();
    protected GradientNormalization gradientNormalization = GradientNormalization.None;
    protected double gradientNormalizationThreshold = 1.0;
    protected DataType dataType;

    /** The parameters, in their order in the flattened parameter vector. */
    abstract List<Parameter> parameters();

    /** Fills freshly allocated parameters (views in the network's parameter vector). */
    abstract void initializeParameters(Map<String, INDArray> params);

    /**
     * The network's updater, weight decay and gradient normalisation, as DL4J's graph builder hands them to its own
     * layers. Decay is kept once per matrix: M2.1 lists a global {@code weightDecay} twice for its own layers.
     */
    void applyGlobalConfig(NeuralNetConfiguration.Builder global) {
        if (updater == null) {
            updater = global.getIUpdater();
        }
        if (gainUpdater == null) {
            gainUpdater = global.getBiasUpdater();
        }
        if (regularization == null || regularization.isEmpty()) {
            regularization = global.getRegularization() == null ? new ArrayList<>()
                    : new ArrayList<>(new LinkedHashSet<>(global.getRegularization()));
        }
        if (global.getGradientNormalization() != null) {
            gradientNormalization = global.getGradientNormalization();
            gradientNormalizationThreshold = global.getGradientNormalizationThreshold();
        }
    }

    /** Views of {@code flat} (this vertex's slice of the network's parameters or gradients), by name. */
    Map<String, INDArray> views(INDArray flat) {
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (Parameter p : parameters()) {
            INDArray slice = vector.get(NDArrayIndex.interval(offset, offset + p.length()));
            views.put(p.name(), p.gain() ? slice : slice.reshape('f', p.shape()));
            offset += p.length();
        }
        return views;
    }

    /**
     * The consecutive matrices {@code first..last} (equal row counts) of {@code flat} as one 'f'-order matrix: their
     * columns side by side.
     */
    INDArray joinedColumns(INDArray flat, String first, String last) {
        INDArray vector = flat.reshape(flat.length());
        long offset = 0;
        long start = -1;
        long rows = -1;
        long columns = 0;
        for (Parameter p : parameters()) {
            if (p.name().equals(first)) {
                start = offset;
                rows = p.shape()[0];
            }
            if (start >= 0) {
                if (p.gain() || p.shape()[0] != rows) {
                    throw new IllegalArgumentException(p.name() + " cannot join the columns of " + first);
                }
                columns += p.shape()[1];
                if (p.name().equals(last)) {
                    return vector.get(NDArrayIndex.interval(start, start + rows * columns)).reshape('f', rows, columns);
                }
            }
            offset += p.length();
        }
        throw new IllegalArgumentException("no parameters " + first + ".." + last);
    }

    private Parameter parameter(String paramName) {
        return parameters().stream().filter(p -> p.name().equals(paramName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown parameter " + paramName + " of " + name));
    }

    @Override
    public long numParams(boolean backprop) {
        return parameters().stream().mapToLong(Parameter::length).sum();
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return null;
    }

    // TrainingConfig: what DL4J's updater asks per parameter.

    @Override
    @JsonIgnore
    public String getLayerName() {
        return name;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return parameter(paramName).gain() ? List.of() : regularization;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return parameter(paramName).gain() && gainUpdater != null ? gainUpdater : updater;
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return gradientNormalization;
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return gradientNormalizationThreshold;
    }

    @Override
    public void setDataType(DataType dataType) {
        this.dataType = dataType;
    }

    /** Copies the training settings into {@code copy}, for {@link #clone()}. */
    protected <T extends ParameterizedVertex> T withTrainingSettingsOf(T copy) {
        copy.name = name;
        copy.updater = updater == null ? null : updater.clone();
        copy.gainUpdater = gainUpdater == null ? null : gainUpdater.clone();
        copy.regularization = regularization == null ? null : new ArrayList<>(regularization);
        copy.gradientNormalization = gradientNormalization;
        copy.gradientNormalizationThreshold = gradientNormalizationThreshold;
        copy.dataType = dataType;
        return copy;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public IUpdater getUpdater() {
        return updater;
    }

    public void setUpdater(IUpdater updater) {
        this.updater = updater;
    }

    public IUpdater getGainUpdater() {
        return gainUpdater;
    }

    public void setGainUpdater(IUpdater gainUpdater) {
        this.gainUpdater = gainUpdater;
    }

    public List<Regularization> getRegularization() {
        return regularization;
    }

    public void setRegularization(List<Regularization> regularization) {
        this.regularization = regularization;
    }

    public void setGradientNormalization(GradientNormalization gradientNormalization) {
        this.gradientNormalization = gradientNormalization;
    }

    public void setGradientNormalizationThreshold(double gradientNormalizationThreshold) {
        this.gradientNormalizationThreshold = gradientNormalizationThreshold;
    }

    public DataType getDataType() {
        return dataType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterizedVertex other && getClass() == other.getClass()
                && Objects.equals(name, other.name) && Objects.equals(updater, other.updater)
                && Objects.equals(gainUpdater, other.gainUpdater) && Objects.equals(regularization, other.regularization)
                && gradientNormalization == other.gradientNormalization
                && gradientNormalizationThreshold == other.gradientNormalizationThreshold
                && dataType == other.dataType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), name, updater, gainUpdater, regularization, gradientNormalization,
                gradientNormalizationThreshold, dataType);
    }
}

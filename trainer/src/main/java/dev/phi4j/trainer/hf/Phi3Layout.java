package dev.phi4j.trainer.hf;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where each weight of a {@code Phi3ForCausalLM} checkpoint lives in phi4j's network. Hugging Face stores a linear
 * layer as (out, in) and computes x·Wᵀ; phi4j stores (in, out) and computes x·W, so every projection is transposed.
 * The fused tensors split by rows, in Phi-3's order:
 * <pre>
 *   model.embed_tokens.weight                     (vocab, d)                 embedding_W (vocab, d)
 *   model.layers.{i}.input_layernorm.weight       (d)                        block{i}_attentionNorm
 *   model.layers.{i}.self_attn.qkv_proj.weight    ((H + 2·kv)·hd, d)         rows q | k | v → block{i}_wq, _wk, _wv ᵀ
 *   model.layers.{i}.self_attn.o_proj.weight      (d, H·hd)                  block{i}_wo ᵀ
 *   model.layers.{i}.post_attention_layernorm.weight (d)                     block{i}_mlpNorm
 *   model.layers.{i}.mlp.gate_up_proj.weight      (2·ffn, d)                 rows gate | up → block{i}_wGate, _wUp ᵀ
 *   model.layers.{i}.mlp.down_proj.weight         (d, ffn)                   block{i}_wDown ᵀ
 *   model.norm.weight                             (d)                        finalNorm_gain
 *   lm_head.weight                                (vocab, d)                 lmHead_W (d, vocab) ᵀ
 * </pre>
 * Rows of q and k need no permutation: both sides rotate halves (Phi-3's {@code rotate_half}, phi4j's
 * {@code TransformerBlock.rope}: dimension j pairs with j + head_dim/2), and heads are consecutive blocks of head_dim
 * rows on both sides. A checkpoint from the interleaved convention (Meta's original Llama: j pairs with j + 1) would
 * need its q and k rows permuted; Phi-3 checkpoints never do. Query head h uses kv head h / (H / kv) on both sides.
 */
public final class Phi3Layout {

    /** A buffer Hugging Face once saved with the weights; it is recomputed from rope_theta, so it is skipped. */
    static final String ROTARY_BUFFER_SUFFIX = ".rotary_emb.inv_freq";

    private Phi3Layout() {}

    /**
     * Rows {@code firstRow..firstRow+rows} of a tensor, seen as a (rows, columns) matrix, are the phi4j parameter
     * {@code parameter}: as it is ({@code transposed} false) or its transpose.
     */
    public record Part(String parameter, long firstRow, long rows, boolean transposed) {

        /** The parameter as the (rows, columns) matrix this part is, a view of the network's weights. */
        INDArray view(Map<String, INDArray> params, long columns) {
            INDArray param = params.get(parameter);
            if (param == null) {
                throw new IllegalStateException("the network has no parameter " + parameter);
            }
            if (transposed) {
                return param.transpose();
            }
            return param.rank() == 2 ? param : param.reshape(1, columns);     // a gain vector as one row
        }
    }

    /** One tensor of the checkpoint: its name, its shape, and the phi4j parameters it is made of. */
    public record Tensor(String name, long[] shape, List<Part> parts) {

        /** Rows of the tensor as a matrix: its first axis, or 1 for a vector. */
        long rows() {
            return shape.length == 1 ? 1 : shape[0];
        }

        long columns() {
            return shape[shape.length - 1];
        }

        long elements() {
            return rows() * columns();
        }

        String shapeText() {
            return Arrays.toString(shape);
        }

        /** Rows from..to of the tensor, from the parts' views of {@code params}: (to − from, columns). */
        INDArray slice(Map<String, INDArray> params, long from, long to) {
            for (Part part : parts) {
                if (from >= part.firstRow() && to <= part.firstRow() + part.rows()) {
                    return part.view(params, columns()).get(
                            NDArrayIndex.interval(from - part.firstRow(), to - part.firstRow()), NDArrayIndex.all());
                }
            }
            throw new IllegalArgumentException(name + ": rows " + from + ".." + to + " cross a part boundary");
        }

        /** Elements {@code from..from+count} of the tensor, row-major as Hugging Face stores it, into {@code out}. */
        void read(Map<String, INDArray> params, long from, float[] out, int count) {
            long columns = columns();
            long firstRow = from / columns, endRow = (from + count + columns - 1) / columns;
            for (Part part : parts) {
                long lo = Math.max(firstRow, part.firstRow()), hi = Math.min(endRow, part.firstRow() + part.rows());
                if (lo >= hi) {
                    continue;
                }
                float[] values = slice(params, lo, hi).dup('c').castTo(DataType.FLOAT).data().asFloat();
                long start = lo * columns;                                       // the element values[0] is
                long copyFrom = Math.max(from, start), copyTo = Math.min(from + count, hi * columns);
                System.arraycopy(values, (int) (copyFrom - start), out, (int) (copyFrom - from),
                        (int) (copyTo - copyFrom));
            }
        }
    }

    /** Every tensor of a Phi-3 checkpoint of {@code model}, in the order Hugging Face saves them. */
    public static List<Tensor> tensors(ModelConfig model) {
        long d = model.dModel(), hd = model.headDim(), q = (long) model.nHeads() * hd, kv = model.kvDim();
        long ffn = model.ffnHidden(), vocab = model.vocabSize();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(whole("model.embed_tokens.weight", new long[] {vocab, d}, PhiDecoder.EMBEDDING + "_W", false));
        for (int i = 0; i < model.nLayers(); i++) {
            String hf = "model.layers." + i + ".", block = PhiDecoder.blockName(i) + "_";
            tensors.add(whole(hf + "input_layernorm.weight", new long[] {d}, block + "attentionNorm", false));
            tensors.add(new Tensor(hf + "self_attn.qkv_proj.weight", new long[] {q + 2 * kv, d}, List.of(
                    new Part(block + "wq", 0, q, true),
                    new Part(block + "wk", q, kv, true),
                    new Part(block + "wv", q + kv, kv, true))));
            tensors.add(whole(hf + "self_attn.o_proj.weight", new long[] {d, q}, block + "wo", true));
            tensors.add(whole(hf + "post_attention_layernorm.weight", new long[] {d}, block + "mlpNorm", false));
            tensors.add(new Tensor(hf + "mlp.gate_up_proj.weight", new long[] {2 * ffn, d}, List.of(
                    new Part(block + "wGate", 0, ffn, true),
                    new Part(block + "wUp", ffn, ffn, true))));
            tensors.add(whole(hf + "mlp.down_proj.weight", new long[] {d, ffn}, block + "wDown", true));
        }
        tensors.add(whole("model.norm.weight", new long[] {d}, PhiDecoder.FINAL_NORM + "_gain", false));
        tensors.add(whole("lm_head.weight", new long[] {vocab, d}, PhiDecoder.LM_HEAD + "_W", true));
        return tensors;
    }

    private static Tensor whole(String name, long[] shape, String parameter, boolean transposed) {
        long rows = shape.length == 1 ? 1 : shape[0];
        return new Tensor(name, shape, List.of(new Part(parameter, 0, rows, transposed)));
    }
}

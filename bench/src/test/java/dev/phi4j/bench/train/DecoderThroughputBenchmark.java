package dev.phi4j.bench.train;

import dev.phi4j.trainer.model.PhiDecoder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Training throughput on shape A (vocab 8192, d_model 256, 4 layers, 4 heads, ffn 704, T 256, B 8, AdamW), the
 * numbers behind trainer/README.md. Not a test: run it on purpose, on a quiet machine, with
 * {@code mvn -B -pl bench -am test -Dtest=DecoderThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dphi4j.benchmark=true -Dphi4j.test.threads=2} (add {@code -Ponednn} for the oneDNN build).
 */
@EnabledIfSystemProperty(named = "phi4j.benchmark", matches = "true")
class DecoderThroughputBenchmark {

    @ParameterizedTest
    @EnumSource(PhiDecoder.Masking.class)
    void shapeA(PhiDecoder.Masking masking) {
        System.out.println(ThroughputProbe.measure(TrainBench.Shape.A.model(), masking, 8, 2, 8, 1, seconds -> {}));
    }
}

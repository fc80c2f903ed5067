package dev.phi4j.trainer.align;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.trainer.eval.MathAnswers;

import java.nio.file.Path;

/** {@code phi4j pts CONFIG}: Pivotal Token Search pairs (report §4.3) from a model's solutions to verifiable questions. */
public record PtsConfig(
        @Doc("the model that writes the solutions and the rollouts (the SFT model): a run, checkpoints or checkpoint "
                + "folder") Path checkpoint,
        @Doc("questions with a checkable final answer: JSONL, GSM8K's {\"question\", \"answer\": \"…#### n\"}")
        Path questions,
        @Doc("JSON field of the question text") @Default("question") String questionField,
        @Doc("JSON field of the reference solution; its final answer is read with the strict (####) extraction")
        @Default("answer") String answerField,
        @Doc("how a rollout's final answer is read: strict (after ####), flexible (the last number) or boxed")
        @Default("strict") MathAnswers.Extraction extraction,
        @Doc("questions to search, the file's first ones; 0: all") @Default("0") @Range(min = 0) int maxQuestions,
        @Doc("rollouts per estimate of p(success | prefix) (the paper's M)") @Default("16") @Range(min = 2, max = 1024)
        int rollouts,
        @Doc("questions whose p(success) from the empty prefix is below this are too hard to have pivotal tokens")
        @Default("0.2") @Range(min = 0, max = 1) double minSuccess,
        @Doc("questions above this are too easy") @Default("0.8") @Range(min = 0, max = 1) double maxSuccess,
        @Doc("smallest change of p that makes a token pivotal, and the least gap between a pair's chosen and "
                + "rejected token") @Default("0.2") @Range(min = 0.01, max = 1) double pGap,
        @Doc("where a segment is split: log_prob_midpoint (the paper's) or token_midpoint")
        @Default("log_prob_midpoint") PivotalTokenSearch.Split split,
        @Doc("counterpart candidates tried per pivotal token: the model's most likely alternatives at that position")
        @Default("4") @Range(min = 1, max = 20) int alternatives,
        @Doc("sampling temperature of solutions and rollouts") @Default("1.0") @Range(min = 0.01, max = 5)
        double temperature,
        @Doc("tokens a solution or rollout may take at most") @Default("96") @Range(min = 1, max = 1 << 16)
        int maxNewTokens,
        @Doc("rows decoded together by the batched inference engine; the first rollouts of batch_rows / rollouts "
                + "questions share it") @Default("128") @Range(min = 1, max = 4096) int batchRows,
        @Doc("seed of every sample: a question's rollouts from a prefix are the same in any run")
        @Default("1234") long seed,
        @Doc("output folder: pairs.jsonl (PreferencePair, kind pts), questions.jsonl, summary.json, report.html")
        Path output) {

    public PtsConfig {
        if (minSuccess > maxSuccess) {
            throw new InvalidConfigValue("min_success", "min_success (" + minSuccess + ") exceeds max_success ("
                    + maxSuccess + ")");
        }
    }

    public PivotalTokenSearch.Config search() {
        return new PivotalTokenSearch.Config(pGap, split);
    }
}

package dev.phi4j.pipeline.judge;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.pipeline.synth.Placeholders;
import dev.phi4j.pipeline.synth.Sampling;
import dev.phi4j.pipeline.teacher.TeacherConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judge-guided DPO pairs ({@code phi4j judge-pairs CONFIG}, report §4.2, round 2): the prompts, the panel of models
 * that answer each one, the judge that scores every answer for accuracy, style and detail, and the margin a pair must
 * clear. Panel members and the judge are written like a synthesize stage's teachers.
 */
public record JudgePairsConfig(
        @Doc("JSONL of prompts, one object per line: \"prompt\" is a user message (a string) or a list of "
                + "{role, content} ending with a user turn; optional \"id\" (else line-N) and \"lineage\" (record ids "
                + "carried into the pair). A DPO pair file reads as a prompt file: its other fields are ignored")
        String prompts,
        @Doc("the models whose responses are compared, at least two; one endpoint may be listed twice under two names "
                + "(each name samples with its own seed)") List<TeacherConfig> panel,
        @Doc("the endpoint that scores each response; its name must differ from the panel's") TeacherConfig judge,
        @Doc("least score difference of a kept pair: in accuracy, or in the mean of accuracy, style and detail when "
                + "accuracy ties; a pair under it, or whose scores tie, is dropped as below_margin")
        @Default("1") @Range(min = 0, max = 4) double margin,
        @Doc("folder of pairs.jsonl (the pairs, as a mixture's dpo set reads them), judgements.jsonl (every response, "
                + "its scores and faults, every prompt's outcome) and summary.json; a local path")
        @Default("runs/judge-pairs") String outputDir,
        @Doc("the response cache (local path, hdfs:// or s3a://), shared with the synthetic-data stages: a re-run asks "
                + "no endpoint twice") @Default("runs/teacher-cache") String cacheDir,
        @Doc("sampling of the panel's responses; a response cut at max_tokens is dropped as response_truncated")
        Sampling sampling,
        @Doc("the judge's sampling temperature; 0 (greedy) gives one reproducible judgement per response")
        @Default("0") @Range(min = 0, max = 2) double judgeTemperature,
        @Doc("longest judgement, in tokens") @Default("512") @Range(min = 1) int judgeMaxTokens,
        @Doc("the judge's prompt: {prompt} is the conversation, {response} the response judged; it asks for faults, "
                + "then 1–5 scores, as one JSON object {\"faults\": [...], \"accuracy\", \"style\", \"detail\"}")
        @Default(DEFAULT_JUDGE_PROMPT) String judgePrompt,
        @Doc("seed of the panel's sampling; each request's seed derives from it, the member's name and the prompt")
        @Default("1234") long seed,
        @Doc("judge only the first this many prompts of the file; 0: all") @Default("0") @Range(min = 0) int limit) {

    static final String PROMPT = "prompt";
    static final String RESPONSE = "response";

    /** The default judge prompt as YAML: a literal block, so its quotes and braces need no escaping. */
    static final String DEFAULT_JUDGE_PROMPT = """
            |-
              You are judging one response of an AI assistant. Be strict: a fluent answer that is wrong is a bad answer.

              Conversation:
              <<<
              {prompt}
              >>>

              Response:
              <<<
              {response}
              >>>

              First list the response's faults: errors of fact, reasoning or code; parts of the request it ignores; \
            unclear, padded or badly organised writing; missing detail. Then score it from 1 (poor) to 5 (excellent):
              - accuracy: is it correct, and does it do what was asked?
              - style: is it clear, well organised, and fitting in tone and length?
              - detail: is it as thorough as the request needs, without padding?

              Reply with this JSON object only:
              {"faults": ["..."], "accuracy": 1, "style": 1, "detail": 1}
            """;

    public JudgePairsConfig {
        if (panel.size() < 2) {
            throw new InvalidConfigValue("panel", "a pair compares the responses of at least two panel members; "
                    + "the panel has " + panel.size());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < panel.size(); i++) {
            if (!names.add(panel.get(i).name())) {
                throw new InvalidConfigValue("panel", "panel[" + i + "]: name '" + panel.get(i).name()
                        + "' is used twice; give each member its own name (lineage and usage are per name)");
            }
        }
        if (names.contains(judge.name())) {
            throw new InvalidConfigValue("judge", "judge.name '" + judge.name() + "' is also a panel member's name; "
                    + "give the judge its own name (usage is counted per name), even for the same endpoint");
        }
        List<String> placeholders = Placeholders.names(judgePrompt);
        for (String needed : List.of(PROMPT, RESPONSE)) {
            if (!placeholders.contains(needed)) {
                throw new InvalidConfigValue("judge_prompt", "the judge prompt never mentions {" + needed + "}: the "
                        + "judge would not see the " + (needed.equals(PROMPT) ? "conversation" : "response") + " it "
                        + "scores");
            }
        }
    }

    public static ConfigLoader.Loaded<JudgePairsConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, JudgePairsConfig.class);
    }
}

package dev.phi4j.pipeline.judge;

import dev.phi4j.core.config.ConfigException;
import dev.phi4j.pipeline.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JudgePairsConfigTest {

    private static final Path BUNDLED = TestSpark.root().resolve("configs/judge-pairs.yaml");

    @TempDir
    Path dir;

    private ConfigException failure(String... overrides) {
        return assertThrows(ConfigException.class, () -> JudgePairsConfig.load(BUNDLED, List.of(overrides)));
    }

    @Test
    void bundledConfigAsksTwoServedCheckpointsAndAJudgeForJson() {
        JudgePairsConfig config = JudgePairsConfig.load(BUNDLED, List.of()).config();
        assertEquals(List.of("http://127.0.0.1:8001/v1", "http://127.0.0.1:8002/v1"),
                config.panel().stream().map(t -> t.baseUrl()).toList());
        assertTrue(Files.isRegularFile(TestSpark.root().resolve(config.prompts())), config.prompts());
        assertEquals(0, config.judgeTemperature());
        assertTrue(config.judgePrompt().contains("{\"faults\": [\"...\"], \"accuracy\": 1, \"style\": 1, "
                + "\"detail\": 1}"), config.judgePrompt());
        assertTrue(config.judgePrompt().startsWith("You are judging one response"), config.judgePrompt());
    }

    @Test
    void aPanelOfOneComparesNothing() throws IOException {
        Path file = dir.resolve("one.yaml");
        Files.writeString(file, """
                prompts: p.jsonl
                panel:
                  - {name: only, base_url: http://127.0.0.1:8001/v1, model: m}
                judge: {name: judge, base_url: http://127.0.0.1:8003/v1, model: j}
                """);
        ConfigException error = assertThrows(ConfigException.class, () -> JudgePairsConfig.load(file, List.of()));
        assertEquals("panel", error.key());
        assertTrue(error.getMessage().contains("at least two panel members"), error.getMessage());
    }

    @Test
    void judgeNamedLikeAPanelMemberIsRefused() {
        ConfigException error = failure("judge.name=tiny-sft");
        assertEquals("judge", error.key());
        assertTrue(error.getMessage().contains("also a panel member's name"), error.getMessage());
    }

    @Test
    void judgePromptMustShowTheResponse() {
        ConfigException error = failure("judge_prompt=Score {prompt} from 1 to 5.");
        assertEquals("judge_prompt", error.key());
        assertTrue(error.getMessage().contains("never mentions {response}"), error.getMessage());
    }

    @Test
    void marginIsAScoreDifference() {
        assertEquals("margin", failure("margin=5").key());
    }
}

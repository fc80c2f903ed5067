package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.ServeConfig;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * The teacher the synthetic-data stages ask, for a recipe with no teacher of its own: the model of a training
 * config (trained here unless its run is finished, with the config's own tokenizer), then served by
 * {@code phi4j serve}'s OpenAI-compatible server on 127.0.0.1 until the recipe ends. A pipeline step after it whose
 * synthesis stages name {@code http://127.0.0.1:PORT/v1} and the teacher run's name as model reaches it through the
 * same client a hosted model gets. With a real teacher (vLLM, an API) a recipe lists no teacher step and its
 * pipeline config names that endpoint.
 */
@Variant("teacher")
public record TeacherStep(
        @Doc("the teacher's training config, e.g. configs/teacher-tiny.yaml; its run name is the model name the "
                + "synthesis stages send") Path config,
        @Doc("the TCP port on 127.0.0.1 it is served on for the steps after this one; the synthesis stages' "
                + "teachers name it in base_url") @Default("8000") int port) implements RecipeStep {

    /** A teacher being served: the base URL OpenAI clients take and the model name they send. */
    public record Teacher(URI baseUrl, String model) {}

    @Override
    public Optional<Class<? extends Record>> makes() {
        return Optional.of(Teacher.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) throws IOException {
        ConfigLoader.Loaded<Phi4jConfig> loaded = Phi4jConfig.load(config, List.of());
        Phi4jConfig teacher = loaded.config();
        String name = teacher.run().name();
        Path checkpoint = trained(recipe, loaded);
        InferenceModel model = InferenceModel.load(checkpoint, true);
        ServeConfig serving = ServeConfig.defaults(name).withPort(port);
        OpenAiServer server;
        try {
            server = OpenAiServer.start(model.model(), model.tokenizer(), serving);
        } catch (BindException e) {
            throw new IllegalStateException("teacher: port " + port + " on 127.0.0.1 is in use; stop what listens "
                    + "there, or set the teacher step's port and the synthesis stages' base_url to a free one");
        }
        recipe.closeAtEnd(() -> server.shutdown(Duration.ofSeconds(serving.shutdownGraceSeconds())));
        URI baseUrl = URI.create(server.baseUri() + "/v1");
        System.out.println(DETAIL + "serving   `" + name + "` at " + baseUrl + " until the recipe ends");
        return Optional.of(new Teacher(baseUrl, name));
    }

    /** The teacher run's last checkpoint, trained to its max_steps first if it is not there yet. */
    private Path trained(RecipeRun recipe, ConfigLoader.Loaded<Phi4jConfig> loaded) throws IOException {
        Phi4jConfig teacher = loaded.config();
        TrainerConfig trainer = teacher.trainer();
        Path runDir = teacher.run().directory();
        Optional<Path> finished = TrainingSession.finished(runDir, trainer.maxSteps());
        if (finished.isPresent()) {
            recipe.headline(config + ": reusing the finished run (step " + trainer.maxSteps() + "): " + finished.get());
            return finished.get();
        }
        recipe.headline(config + ": training the teacher, " + trainer.maxSteps() + " steps into " + runDir);
        Tokenizer tokenizer = TrainCommand.tokenizer(teacher.tokenizer(), DETAIL + "tokenizer");
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.yaml"), loaded.toYaml(true));
        Trainer training = TrainingSession.open(teacher, tokenizer, TrainCommand.data(trainer, tokenizer,
                teacher.model(), runDir, DETAIL + "data      "), true);
        System.out.println(DETAIL + TrainingSession.describe(training, trainer));
        return TrainingSession.trainToEnd(training, trainer.maxSteps());
    }
}

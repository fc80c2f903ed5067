package dev.phi4j.pipeline.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Programming languages by file name or extension, and file types known to be binary. */
final class Languages {

    static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry(".py", "python"), Map.entry(".pyi", "python"), Map.entry(".java", "java"),
            Map.entry(".kt", "kotlin"), Map.entry(".scala", "scala"), Map.entry(".js", "javascript"),
            Map.entry(".mjs", "javascript"), Map.entry(".jsx", "javascript"), Map.entry(".ts", "typescript"),
            Map.entry(".tsx", "typescript"), Map.entry(".c", "c"), Map.entry(".h", "c"), Map.entry(".cc", "cpp"),
            Map.entry(".cpp", "cpp"), Map.entry(".cxx", "cpp"), Map.entry(".hpp", "cpp"), Map.entry(".cs", "csharp"),
            Map.entry(".go", "go"), Map.entry(".rs", "rust"), Map.entry(".rb", "ruby"), Map.entry(".php", "php"),
            Map.entry(".swift", "swift"), Map.entry(".m", "objective-c"), Map.entry(".r", "r"),
            Map.entry(".jl", "julia"), Map.entry(".lua", "lua"), Map.entry(".pl", "perl"), Map.entry(".hs", "haskell"),
            Map.entry(".ml", "ocaml"), Map.entry(".ex", "elixir"), Map.entry(".erl", "erlang"),
            Map.entry(".clj", "clojure"), Map.entry(".dart", "dart"), Map.entry(".sh", "shell"),
            Map.entry(".bash", "shell"), Map.entry(".sql", "sql"), Map.entry(".html", "html"),
            Map.entry(".css", "css"), Map.entry(".md", "markdown"), Map.entry(".rst", "restructuredtext"),
            Map.entry(".tex", "tex"), Map.entry(".yaml", "yaml"), Map.entry(".yml", "yaml"),
            Map.entry(".toml", "toml"), Map.entry(".xml", "xml"), Map.entry(".json", "json"),
            Map.entry(".ipynb", "jupyter"), Map.entry(".proto", "protobuf"), Map.entry(".gradle", "groovy"),
            Map.entry(".groovy", "groovy"));

    static final Map<String, String> BY_NAME = Map.of("Makefile", "make", "Dockerfile", "dockerfile",
            "CMakeLists.txt", "cmake", "BUILD", "starlark", "pom.xml", "maven");

    static final Set<String> BINARY = Set.of(".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".pdf",
            ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".tar", ".jar", ".war", ".class", ".so", ".dll",
            ".dylib", ".exe", ".o", ".a", ".pyc", ".pyo", ".whl", ".bin", ".dat", ".npy", ".npz", ".pt", ".onnx",
            ".parquet", ".woff", ".woff2", ".ttf", ".otf", ".mp3", ".mp4", ".wav", ".avi", ".mov", ".sqlite", ".db");

    private Languages() {}

    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? "" : fileName.substring(dot).toLowerCase(Locale.ROOT);
    }
}

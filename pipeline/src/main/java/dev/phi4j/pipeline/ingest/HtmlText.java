package dev.phi4j.pipeline.ingest;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

/**
 * The readable text of an HTML page. With boilerplate removal: scripts, styles, forms, navigation, headers, footers,
 * sidebars, cookie banners and link lists go; the text is taken from {@code <main>}/{@code <article>} when the page
 * has one (keeping its header, which holds the title), else from the body. Blocks (paragraphs, headings, list items, table rows) become lines.
 */
final class HtmlText {

    /** The page's text, title and declared language (either may be empty). */
    record Extracted(String text, String title, String language) {}

    private static final String NON_CONTENT = "script, style, noscript, template, svg, canvas, iframe, object, embed, "
            + "form, button, input, select, textarea, nav, footer, aside, menu, dialog, "
            + "[role=navigation], [role=banner], [role=contentinfo], [role=search], [role=dialog], "
            + "[aria-hidden=true], [hidden]";
    private static final String BOILERPLATE_NAMES = "(?i)(^|.*[-_ ])(nav|navbar|navigation|menu|footer|header|sidebar|"
            + "breadcrumbs?|cookies?|banner|share|social|advert|ads|sponsored|related|subscribe|newsletter|popup|"
            + "skip|toc|catlinks|printfooter|mw-jump-link|noprint)([-_ ].*|$)";
    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4",
            "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "blockquote", "pre", "figcaption",
            "address", "hr", "br", "title", "body");
    private static final double MAX_LINK_DENSITY = 0.5;

    private HtmlText() {}

    /** Parses bytes, taking the charset from {@code charset} (e.g. an HTTP header), a BOM or a meta tag, else UTF-8. */
    static Extracted extract(byte[] html, String charset, String baseUri, boolean removeBoilerplate) throws IOException {
        Document page = Jsoup.parse(new ByteArrayInputStream(html), charset, baseUri);
        return extract(page, removeBoilerplate);
    }

    static Extracted extract(Document page, boolean removeBoilerplate) {
        String title = page.title().strip();
        Element htmlElement = page.selectFirst("html");
        String language = htmlElement == null ? "" : htmlElement.attr("lang").strip();
        Element root = page.body();
        if (removeBoilerplate) {
            Element main = page.selectFirst("main, article, [role=main]");
            if (main != null) {
                root = main;
            }
            if (root != null) {
                root.select(NON_CONTENT).remove();
                // A header inside <main> or <article> holds the article's title; the page's own header does not.
                if (main == null) {
                    root.select("header").remove();
                }
                root.select("[class~=" + BOILERPLATE_NAMES + "], [id~=" + BOILERPLATE_NAMES + "]")
                        .not(main == null ? "main, article, [role=main]" : "main, article, [role=main], header")
                        .remove();
                removeLinkLists(root);
            }
        }
        return new Extracted(root == null ? "" : text(root), title, language);
    }

    /**
     * Lists and tables whose text is mostly link text are menus or link farms, not content; so are leaf blocks
     * (divisions and paragraphs holding no other block) of mostly links. Larger containers are judged by their parts.
     */
    private static void removeLinkLists(Element root) {
        for (Element element : root.select("ul, ol, dl, table, div, p, section")) {
            if (element.parent() == null) {
                continue;
            }
            boolean list = switch (element.normalName()) {
                case "ul", "ol", "dl", "table" -> true;
                default -> false;
            };
            // select() counts the element itself: more than one match means it holds other blocks.
            if (!list && element.select("div, p, section, ul, ol, dl, table").size() > 1) {
                continue;
            }
            int textLength = element.text().length();
            if (textLength == 0) {
                continue;
            }
            int linkLength = 0;
            for (Element link : element.select("a")) {
                linkLength += link.text().length();
            }
            if ((double) linkLength / textLength > MAX_LINK_DENSITY) {
                element.remove();
            }
        }
    }

    private static String text(Element root) {
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode textNode) {
                    String text = textNode.text();
                    if (!text.isBlank()) {
                        if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))
                                && Character.isWhitespace(text.charAt(0))) {
                            out.append(' ');
                        }
                        out.append(text.strip());
                        if (Character.isWhitespace(text.charAt(text.length() - 1))) {
                            out.append(' ');
                        }
                    }
                } else if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
                    newline(out);
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
                    newline(out);
                }
            }
        }, root);
        StringBuilder lines = new StringBuilder();
        for (String line : out.toString().split("\n")) {
            String stripped = line.strip();
            if (!stripped.isEmpty()) {
                lines.append(stripped).append('\n');
            }
        }
        return lines.toString().strip();
    }

    private static void newline(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }
}

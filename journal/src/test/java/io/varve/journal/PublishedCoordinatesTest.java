package io.varve.journal;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinates a user depends on, checked against the reactor's POMs: a BOM of the published modules only,
 * without the build parent (whose dependencyManagement also pins Chronicle, Aeron, JMH and JUnit), at the build's
 * version, and each published module attaching sources and Javadoc jars.
 */
class PublishedCoordinatesTest
{
    private static final Set<String> PUBLISHED = Set.of("varve-journal", "varve-ringbuffer", "varve-tuning");

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void shouldPublishABomOfThePublishedModulesOnlyWithoutTheBuildParent() throws Exception
    {
        final Document root = parse(ROOT.resolve("pom.xml"));
        final Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertTrue(children(root.getDocumentElement(), "modules").get(0).getTextContent().contains("bom"),
            "the BOM is built with the reactor");
        assertNull(child(bom.getDocumentElement(), "parent"), "the BOM must not inherit the build parent");
        assertEquals("io.varve", text(bom.getDocumentElement(), "groupId"));
        assertEquals("varve-bom", text(bom.getDocumentElement(), "artifactId"));
        assertEquals("pom", text(bom.getDocumentElement(), "packaging"));
        assertEquals(text(root.getDocumentElement(), "version"), text(bom.getDocumentElement(), "version"),
            "the BOM's version is the build's");

        final Set<String> managed = new TreeSet<>();
        final Element management = child(bom.getDocumentElement(), "dependencyManagement");
        for (final Element dependency : children(child(management, "dependencies"), "dependency"))
        {
            assertEquals("io.varve", text(dependency, "groupId"), "only Varve's own artifacts");
            assertEquals("${project.version}", text(dependency, "version"));
            managed.add(text(dependency, "artifactId"));
        }
        assertEquals(new TreeSet<>(PUBLISHED), managed);
        assertTrue(bom.getElementsByTagName("dependencies").getLength() == 1, "no dependencies of its own");
    }

    @Test
    void shouldAttachSourcesAndJavadocToEachPublishedModule() throws Exception
    {
        for (final String module : List.of("journal", "ringbuffer", "tuning"))
        {
            final Document pom = parse(ROOT.resolve(module).resolve("pom.xml"));
            assertTrue(PUBLISHED.contains(text(pom.getDocumentElement(), "artifactId")), module);
            final List<String> plugins = new ArrayList<>();
            final Element build = child(pom.getDocumentElement(), "build");
            for (final Element plugin : children(child(build, "plugins"), "plugin"))
            {
                plugins.add(text(plugin, "artifactId"));
            }
            assertTrue(plugins.contains("maven-source-plugin"), module + ": " + plugins);
            assertTrue(plugins.contains("maven-javadoc-plugin"), module + ": " + plugins);
        }
    }

    private static Document parse(final Path pom) throws Exception
    {
        assertTrue(Files.isRegularFile(pom), pom.toString());
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(final Element parent, final String name)
    {
        final List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(final Element parent, final String name)
    {
        final List<Element> found = new ArrayList<>();
        final NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Node node = nodes.item(i);
            if (node instanceof Element && name.equals(node.getNodeName()))
            {
                found.add((Element)node);
            }
        }
        return found;
    }

    private static String text(final Element parent, final String name)
    {
        final Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}

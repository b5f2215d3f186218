// Monaco's editor worker (diffs, word ranges), bundled from the package: nothing is fetched from a CDN.
import "monaco-editor/editor/editor.worker";

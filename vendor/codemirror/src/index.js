// What the writer's page (templates/serve/editor.js) uses of CodeMirror 6,
// exposed as one global, `CM`, by build.sh's IIFE bundle.
export { EditorState, EditorSelection, ChangeSet, Compartment, StateEffect, StateField } from "@codemirror/state";
export { EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine, highlightSpecialChars, placeholder } from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { syntaxHighlighting, defaultHighlightStyle, HighlightStyle } from "@codemirror/language";
import { markdownLanguage } from "@codemirror/lang-markdown";
import { LanguageSupport } from "@codemirror/language";
// GFM (tables, strikethrough) without the HTML and JavaScript modes that
// markdown() would pull in for code blocks: the dialect has no HTML.
export function markdown() { return new LanguageSupport(markdownLanguage); }
export { yaml } from "@codemirror/lang-yaml";
export { linter, lintGutter, setDiagnostics, forEachDiagnostic } from "@codemirror/lint";
export { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
export { tags } from "@lezer/highlight";

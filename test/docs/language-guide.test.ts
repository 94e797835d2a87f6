// docs/language.md cannot rot: its examples are extracted, type-checked and run
// (see markdown-examples.ts). It writes imports relative to docs/ ('../dsl/index.ts').
import { describeMarkdownExamples } from './markdown-examples.ts';

describeMarkdownExamples('docs/language.md', 'guide-test', 6);

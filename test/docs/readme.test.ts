// README.md's examples are extracted, type-checked and run like the guide's
// (see markdown-examples.ts); it writes imports relative to the project root ('./dsl/index.ts').
import { describeMarkdownExamples } from './markdown-examples.ts';

describeMarkdownExamples('README.md', 'readme-test', 2);

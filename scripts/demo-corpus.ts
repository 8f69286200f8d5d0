// The fixture corpus as the demo runs it; it lives with the test factories (the corpus sync test uses it too).
export { loadCorpus, seedGroupOrganization, type CorpusGroup } from "~test/factories/corpus";

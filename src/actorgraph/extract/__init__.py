"""Extract: a `Document` and its spaCy parse become an `Extraction` (actor mentions, relations with
modality, time and evidence, rhetoric spans, a profile). Mentions and coreference, rule frames and
the learned model over candidate pairs; lexicons, gazetteer and regimes are data under `data/`."""

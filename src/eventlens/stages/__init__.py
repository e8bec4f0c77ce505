"""The pipeline's stages, in the order a default pipeline runs them.

clean → nlp → geo → events → code → scope → dates → locate → merge → finalize.
Each module exposes one ``make_*`` factory registered in
:mod:`eventlens.registry`; a stage reads only ``doc.article`` and what the
stages before it provide.
"""

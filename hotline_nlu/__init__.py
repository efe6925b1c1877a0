"""NLU components shared by the Rasa engine (Python 3.10) and the app (Python 3.11+).

``textnorm`` is pure Python and imported by both environments; ``tokenizer``
needs Rasa and is only imported inside the engine.
"""

"""From article to reviewed facts: read, link, propose, compare, review (issue 14).

The graph proposes and a person decides: ``read`` turns an HTML or text file into an article with
its document metadata, ``link`` finds the graph's entities in it by name, ``propose`` turns
sentences into candidate facts of the graph's own kinds (each with its quote, rule and
confidence), ``compare`` says which are new, already known or in disagreement with the graph, and
``review`` writes accepted candidates into ``data/`` and remembers rejections. Nothing reaches the
graph until a person accepts it and the graph is rebuilt.
"""

// Completion for the editor: the project's prefixes and the ontology's terms, from GET /api/terms.
//
// YASQE's stock completers ask the network (prefix.cc, Linked Open Vocabularies) and add a PREFIX
// line whenever a known prefix is typed. The service predeclares every project prefix, so a query
// needs no PREFIX lines; these completers offer `ag:memberOf`, `org:member`, `prov:wasDerivedFrom`
// and the rest from the build's own ontology, and inside a PREFIX declaration the project's
// namespaces, without touching the query otherwise.
"use strict";
(function () {
  const agEditor = (window.AgEditor = window.AgEditor || {});
  const CURIE = /^[A-Za-z][\w.-]*:[\w.-]*$/;

  function inPrefixDeclaration(yasqe, token) {
    const cursor = yasqe.getDoc().getCursor();
    const before = yasqe.getPreviousNonWsToken(cursor.line, token);
    return !!before && typeof before.string === "string" && before.string.toUpperCase() === "PREFIX";
  }

  agEditor.registerCompleters = function registerCompleters(Yasqe, vocabulary) {
    const prefixes = vocabulary.prefixes || {};
    const terms = (vocabulary.terms || []).filter((term) => CURIE.test(term));
    Yasqe.registerAutocompleter(
      {
        name: "agTerms",
        bulk: true,
        autoShow: true,
        // An array, not a function: YASQE then builds its index from it and never reads a cached
        // (possibly older) list back from localStorage.
        persistenceId: "agTerms",
        get: terms,
        isValidCompletionPosition(yasqe) {
          const token = yasqe.getCompleteToken();
          return CURIE.test(token.string) && !inPrefixDeclaration(yasqe, token);
        },
      },
      false
    );
    // Inside `PREFIX |`: the project's namespaces as whole declarations ("ag: <https://...#>").
    Yasqe.forkAutocompleter(
      "prefixes",
      {
        name: "agPrefixes",
        persistenceId: "agPrefixes",
        onInitialize() {},
        get: Object.keys(prefixes)
          .sort()
          .map((p) => `${p}: <${prefixes[p]}>`),
      },
      false
    );
  };

  /**
   * Teach YASQE's grammar the service's predeclared prefixes. Its tokenizer starts every query
   * with no prefixes and marks `ag:State` "Prefix 'ag' is not defined" though the service runs it;
   * this wraps the sparql11 mode so each parse starts knowing the project's namespaces (a PREFIX
   * line in the query still overrides one, as it does on the service).
   */
  agEditor.predeclarePrefixes = function predeclarePrefixes(Yasqe, prefixes) {
    const original = Yasqe.modes.sparql11;
    if (!original || original.agPredeclared) return;
    const wrapped = function (config, modeConfig) {
      const mode = original(config, modeConfig);
      return Object.assign({}, mode, {
        startState() {
          const state = mode.startState();
          state.prefixes = Object.assign({}, prefixes);
          return state;
        },
      });
    };
    wrapped.agPredeclared = true;
    Yasqe.defineMode("sparql11", wrapped);
  };

  agEditor.COMPLETERS = ["variables", "agPrefixes", "agTerms"];
})();

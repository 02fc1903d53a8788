/// Problem titles in every language the service speaks.
enum ProblemTexts {
    static let titles: [Problem.Kind: [Language: String]] = [
        .badRequest: [.en: "Bad request", .fr: "Requête incorrecte", .es: "Solicitud incorrecta", .pt: "Requisição inválida"],
        .malformedJSON: [.en: "Malformed JSON", .fr: "JSON mal formé", .es: "JSON mal formado", .pt: "JSON malformado"],
        .validation: [
            .en: "The request is not valid", .fr: "La requête n'est pas valide", .es: "La solicitud no es válida",
            .pt: "A requisição não é válida",
        ],
        .unauthorized: [
            .en: "Authentication required", .fr: "Authentification requise", .es: "Autenticación requerida",
            .pt: "Autenticação necessária",
        ],
        .forbidden: [.en: "Forbidden", .fr: "Interdit", .es: "Prohibido", .pt: "Proibido"],
        .notFound: [.en: "Not found", .fr: "Introuvable", .es: "No encontrado", .pt: "Não encontrado"],
        .methodNotAllowed: [
            .en: "Method not allowed", .fr: "Méthode non autorisée", .es: "Método no permitido", .pt: "Método não permitido",
        ],
        .notAcceptable: [.en: "Not acceptable", .fr: "Non acceptable", .es: "No aceptable", .pt: "Não aceitável"],
        .requestTimeout: [
            .en: "Request timeout", .fr: "Délai de la requête dépassé", .es: "Tiempo de espera de la solicitud agotado",
            .pt: "Tempo da requisição esgotado",
        ],
        .conflict: [.en: "Conflict", .fr: "Conflit", .es: "Conflicto", .pt: "Conflito"],
        .preconditionFailed: [
            .en: "Precondition failed", .fr: "La précondition a échoué", .es: "La condición previa falló",
            .pt: "A pré-condição falhou",
        ],
        .preconditionRequired: [
            .en: "Precondition required", .fr: "Précondition requise", .es: "Se requiere una condición previa",
            .pt: "Pré-condição necessária",
        ],
        .contentTooLarge: [
            .en: "Content too large", .fr: "Contenu trop volumineux", .es: "Contenido demasiado grande",
            .pt: "Conteúdo grande demais",
        ],
        .unsupportedMediaType: [
            .en: "Unsupported media type", .fr: "Type de média non pris en charge", .es: "Tipo de medio no admitido",
            .pt: "Tipo de mídia não suportado",
        ],
        .unprocessable: [
            .en: "The request cannot be processed", .fr: "La requête ne peut pas être traitée",
            .es: "La solicitud no se puede procesar", .pt: "A requisição não pode ser processada",
        ],
        .tooManyRequests: [
            .en: "Too many requests", .fr: "Trop de requêtes", .es: "Demasiadas solicitudes", .pt: "Requisições demais",
        ],
        .serviceUnavailable: [
            .en: "Service unavailable", .fr: "Service indisponible", .es: "Servicio no disponible",
            .pt: "Serviço indisponível",
        ],
        .internalError: [.en: "Internal error", .fr: "Erreur interne", .es: "Error interno", .pt: "Erro interno"],
        .notImplemented: [.en: "Not implemented", .fr: "Non implémenté", .es: "No implementado", .pt: "Não implementado"],
    ]
}

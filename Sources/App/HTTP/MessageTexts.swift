extension Message {
    /// Every message the service can send; `texts` holds each one in every language.
    enum Key: String, Sendable, CaseIterable {
        // Field errors
        case required, mustNotBeBlank, mustBeAtMostCharacters, mustBeFromTo, mustBeGreaterThanZero
        case notACountryCode, notACurrencyCode, notAnEmail, notADate, notAUUID, notATimeZone, notAPhoneNumber, mustBeHTTPURL
        case mustNotBeInFuture, mustBeInFuture, mustBeAfterOpensAt, isTaken, notACursor, notAPhaseName
        case requiredWhenStatusChanges, removableOnlyWhilePending
        case mustBePlainFileName, documentIsEmpty
        case mustMatchPattern, mustBeAtLeastCharacters, mustHoldAtMostItems, mustHoldAtLeastItems, mustBeAtLeast, mustBeAtMost
        case mustHaveAtLeastMembers
        case notAnInstantValue, notAURI, mustNotContainNUL, mustNotContainLoneSurrogate, mustNotContainByteOrderMark, repeatedMember, nestedTooDeep, notAParameterHere, givenMoreThanOnce
        case repeatsEarlierValue, repeatsEarlierLanguage, repeatsEarlierCountry, repeatsEarlierID, repeatsEarlierRank
        case repeatsEarlierTargetGroup, repeatsEarlierOrganisation
        case notAKnownField, hasInvalidValue, mustBeOneOf, mustBe, mustBeNotNull
        case aString, aBoolean, anInteger, aNumber, anArray, anObject, ofAnotherType
        case mayNotBeSetByThisRole, mayNotBeUsedByThisRole, notAnOrganisationYouActFor, notARegisteredOrganisation
        case applicantTokenNeedsOrganisation, mustBeEmptyForRole
        case notADocumentOfThisProposal
        case mustNotContainControlCharacters, credentialActsForTooMany
        case ranksMustRunFromOne, tooManyDecimalsForCurrency, notAMoneyCurrency, mustBeAfterField, mustBeOnOrAfterField
        case codeHasReceipts, stillUsedBySubmissions, mustStayAfterSubmissions, mustStayBeforeSubmissions, callChangeBreaksSubmissions
        case idempotencyKeyFormat, idempotencyKeyUsedElsewhere
        case isTheLeadOrganisation, notALanguageOfThisCall, notAStageOfThisCall, deadlinePassed, callOpensAt
        case needsAQuestion, needsASolutionType, needsATargetGroup, needsAnEligibleCountry
        case notAQuestionOfThisCall, notASolutionTypeOfThisCall, notATargetGroupOfThisCall, notAnEligibleCountryOfThisCall
        case mustHoldAtMostRules, ruleIDFormat, phaseFormat, repeatsRuleID, operatorNotPortable, ruleIsInvalid
        case ruleInvalidJSON, ruleUnknownOperator, ruleInvalidArguments, ruleTooDeep, ruleTooLarge, ruleInputTooLarge
        case ruleValueTooLarge, ruleTooManySteps, ruleNaN, ruleInvalidArgumentValues, ruleRaised
        case ruleArgumentsExactlyOne, ruleArgumentsExactly, ruleArgumentsAtLeastOne, ruleArgumentsAtLeast, ruleArgumentsFromTo
        case jsonUnexpectedEnd, jsonExpectedCommaOrBracket, jsonExpectedCommaOrBrace, jsonTextAfterValue, jsonExpectedKey
        case jsonExpectedColon, jsonUnexpectedCharacter, jsonInvalidUTF8, jsonControlCharacter, jsonInvalidEscape
        case jsonUnterminatedString, jsonInvalidUnicodeEscape, jsonExpectedDigitAfterPoint, jsonExpectedDigitInExponent
        case jsonNumberOutOfRange
        // Problem details
        case oneFieldNotValid, fieldsNotValid
        case methodNotAllowed, noOperation, unexpectedError, contentTypeNotAccepted, noAcceptableRepresentation
        case bodyNotJSON, bodyNotJSONBecause, bodyNestedTooDeep, bodyUnreadable, documentUnreadable, bodyTooLarge, bodyOverLimit
        case bodyNeedsContentType, missingHeader, missingPathParameter, bodyRequired
        case valueNotAllowed, notAnInstant, parameterUnreadable, requestValueHasNUL
        case serviceBusy, shuttingDown, databaseUnreachableTryAgain, databaseUnreachable, requestConflicted, requestTookTooLong
        case listWaitsForCreation, changeMayHaveBeenMade
        case pendingMigrations, tooManyConnections, tooManyBodiesInFlight, bodyTooSlow, requestHeadTooLarge, requestHeadUnreadable, pathUnreadable, acceptUnreadable
        case contentCodingNotAccepted, hostRequired, hostNotValid, transferEncodingUnframed, transferCodingNotImplemented, connectNotServed
        case ifMatchRequired, resourceChanged, preconditionMalformed, currentVersionNamed, idempotencyKeyInUse, idempotencyKeyReused
        case bearerTokenRequired, tooManyRequests, roleMayNotCall, roleMayNotChangeOrganisations
        case onlySecretariatSetsDueDiligence, dueDiligenceNotForRole, credentialNotForLead, onlyLeadChangesProposal
        case noSuchCall, noSuchOrganisation, noSuchProposal, noSuchToken, noSuchDocument, noCallForProposal
        case callCodeExists, registrationTaken
        case onlyDraftsChange, onlyDraftsSubmit, cannotWithdraw, documentsOnlyOnDrafts, onlySubmittedScreened
        case onlySubmittedOverridden
        case cannotSubmitOneReason, cannotSubmit, documentTypes, documentOverLimit
        case noRulesetYet, noRulesetToScreenWith, screenBeforeOverriding, notScreened
        case oneProblemWithRules, problemsWithRules, submissionRuleFailed, submissionRulesFailed

        /// The texts; `{0}`, `{1}`… are the arguments. Field errors are said of the field at the pointer.
        var texts: Texts {
            switch self {
            // MARK: Field errors
            case .required:
                Texts(en: "is required", fr: "est obligatoire", es: "es obligatorio", pt: "é obrigatório")
            case .mustNotBeBlank:
                Texts(en: "must not be blank", fr: "ne doit pas être vide", es: "no debe estar vacío", pt: "não deve estar em branco")
            case .mustBeAtMostCharacters:
                Texts(
                    en: "must be at most {0} characters", fr: "doit comporter au plus {0} caractères",
                    es: "debe tener como máximo {0} caracteres", pt: "deve ter no máximo {0} caracteres")
            case .mustBeFromTo:
                Texts(
                    en: "must be from {0} to {1}", fr: "doit être compris entre {0} et {1}", es: "debe estar entre {0} y {1}",
                    pt: "deve estar entre {0} e {1}")
            case .mustBeGreaterThanZero:
                Texts(en: "must be greater than 0", fr: "doit être supérieur à 0", es: "debe ser mayor que 0", pt: "deve ser maior que 0")
            case .notACountryCode:
                Texts(
                    en: "is not an ISO 3166-1 alpha-2 country code", fr: "n'est pas un code de pays ISO 3166-1 alpha-2",
                    es: "no es un código de país ISO 3166-1 alfa-2", pt: "não é um código de país ISO 3166-1 alfa-2")
            case .notACurrencyCode:
                Texts(
                    en: "is not a current ISO 4217 currency code", fr: "n'est pas un code de devise ISO 4217 en vigueur",
                    es: "no es un código de moneda ISO 4217 vigente", pt: "não é um código de moeda ISO 4217 vigente")
            case .notAnEmail:
                Texts(
                    en: "is not an e-mail address", fr: "n'est pas une adresse électronique",
                    es: "no es una dirección de correo electrónico", pt: "não é um endereço de e-mail")
            case .notADate:
                Texts(
                    en: "is not a date (YYYY-MM-DD)", fr: "n'est pas une date (AAAA-MM-JJ)", es: "no es una fecha (AAAA-MM-DD)",
                    pt: "não é uma data (AAAA-MM-DD)")
            case .notAUUID:
                Texts(en: "is not a UUID", fr: "n'est pas un UUID", es: "no es un UUID", pt: "não é um UUID")
            case .notATimeZone:
                Texts(
                    en: "is not an IANA time zone", fr: "n'est pas un fuseau horaire IANA", es: "no es una zona horaria IANA",
                    pt: "não é um fuso horário IANA")
            case .notAPhoneNumber:
                Texts(
                    en: "is not an international phone number (+, country code and number)",
                    fr: "n'est pas un numéro de téléphone international (+, indicatif du pays et numéro)",
                    es: "no es un número de teléfono internacional (+, código de país y número)",
                    pt: "não é um número de telefone internacional (+, código do país e número)")
            case .mustBeHTTPURL:
                Texts(
                    en: "must be an http or https URL", fr: "doit être une URL http ou https", es: "debe ser una URL http o https",
                    pt: "deve ser uma URL http ou https")
            case .mustNotBeInFuture:
                Texts(
                    en: "must not be in the future", fr: "ne doit pas se situer dans le futur", es: "no puede ser una fecha futura",
                    pt: "não pode ser uma data futura")
            case .mustBeInFuture:
                Texts(
                    en: "must be in the future", fr: "doit se situer dans le futur", es: "debe ser una fecha futura",
                    pt: "deve ser uma data futura")
            case .mustBeAfterOpensAt:
                Texts(
                    en: "must be after opensAt", fr: "doit être postérieur à opensAt", es: "debe ser posterior a opensAt",
                    pt: "deve ser posterior a opensAt")
            case .isTaken:
                Texts(en: "is taken", fr: "est déjà utilisé", es: "ya está en uso", pt: "já está em uso")
            case .requiredWhenStatusChanges:
                Texts(
                    en: "is required, and new, when the status changes", fr: "est obligatoire, et nouvelle, quand le statut change",
                    es: "es obligatoria, y nueva, cuando cambia el estado", pt: "é obrigatória, e nova, quando o estado muda")
            case .removableOnlyWhilePending:
                Texts(
                    en: "cannot be removed once cleared or flagged: give a status with a note of its own",
                    fr: "ne peut être retirée une fois levée ou signalée : indiquez un statut avec sa propre note",
                    es: "no puede retirarse una vez aprobada o señalada: indique un estado con su propia nota",
                    pt: "não pode ser retirada depois de aprovada ou sinalizada: indique um estado com a sua própria nota")
            case .notACursor:
                Texts(
                    en: "is not a cursor this service issued", fr: "n'est pas un curseur émis par ce service",
                    es: "no es un cursor emitido por este servicio", pt: "não é um cursor emitido por este serviço")
            case .notAPhaseName:
                Texts(en: "is not a phase name", fr: "n'est pas un nom de phase", es: "no es un nombre de fase", pt: "não é um nome de fase")
            case .mustMatchPattern:
                Texts(
                    en: "must match the pattern {0}", fr: "doit correspondre au motif {0}", es: "debe coincidir con el patrón {0}",
                    pt: "deve corresponder ao padrão {0}")
            case .mustBeAtLeastCharacters:
                Texts(
                    en: "must be at least {0} characters", fr: "doit comporter au moins {0} caractères",
                    es: "debe tener al menos {0} caracteres", pt: "deve ter pelo menos {0} caracteres")
            case .mustHoldAtMostItems:
                Texts(
                    en: "must hold at most {0} items", fr: "doit contenir au plus {0} éléments",
                    es: "debe contener como máximo {0} elementos", pt: "deve conter no máximo {0} itens")
            case .mustHoldAtLeastItems:
                Texts(
                    en: "must hold at least {0} items", fr: "doit contenir au moins {0} éléments",
                    es: "debe contener al menos {0} elementos", pt: "deve conter pelo menos {0} itens")
            case .mustHaveAtLeastMembers:
                Texts(
                    en: "must have at least {0} members", fr: "doit avoir au moins {0} membres",
                    es: "debe tener al menos {0} miembros", pt: "deve ter pelo menos {0} membros")
            case .mustBeAtLeast:
                Texts(en: "must be at least {0}", fr: "doit être au moins {0}", es: "debe ser al menos {0}", pt: "deve ser pelo menos {0}")
            case .mustBeAtMost:
                Texts(en: "must be at most {0}", fr: "doit être au plus {0}", es: "debe ser como máximo {0}", pt: "deve ser no máximo {0}")
            case .notAnInstantValue:
                Texts(
                    en: "is not an RFC 3339 instant", fr: "n'est pas un instant RFC 3339", es: "no es un instante RFC 3339",
                    pt: "não é um instante RFC 3339")
            case .mustNotContainNUL:
                Texts(
                    en: "must not contain the NUL character (U+0000)", fr: "ne doit pas contenir le caractère NUL (U+0000)",
                    es: "no debe contener el carácter NUL (U+0000)", pt: "não deve conter o caractere NUL (U+0000)")
            case .mustNotContainLoneSurrogate:
                Texts(
                    en: "must not contain half of a UTF-16 surrogate pair (a \\uD800–\\uDFFF escape without its other half)",
                    fr: "ne doit pas contenir une moitié de paire de substitution UTF-16 (un échappement \\uD800–\\uDFFF sans son autre moitié)",
                    es: "no debe contener la mitad de un par sustituto UTF-16 (un escape \\uD800–\\uDFFF sin su otra mitad)",
                    pt: "não deve conter metade de um par substituto UTF-16 (um escape \\uD800–\\uDFFF sem a sua outra metade)")
            case .mustNotContainByteOrderMark:
                Texts(
                    en: "must not contain a byte-order mark (U+FEFF)", fr: "ne doit pas contenir de marque d'ordre des octets (U+FEFF)",
                    es: "no debe contener una marca de orden de bytes (U+FEFF)", pt: "não deve conter uma marca de ordem de bytes (U+FEFF)")
            case .notAParameterHere:
                Texts(
                    en: "is not a parameter of this operation", fr: "n'est pas un paramètre de cette opération",
                    es: "no es un parámetro de esta operación", pt: "não é um parâmetro desta operação")
            case .givenMoreThanOnce:
                Texts(
                    en: "is given more than once but takes one value", fr: "est donné plusieurs fois mais n'accepte qu'une valeur",
                    es: "se da más de una vez pero admite un solo valor", pt: "é dado mais de uma vez mas aceita um só valor")
            case .repeatedMember:
                Texts(
                    en: "appears more than once in its object", fr: "apparaît plus d'une fois dans son objet",
                    es: "aparece más de una vez en su objeto", pt: "aparece mais de uma vez em seu objeto")
            case .nestedTooDeep:
                Texts(
                    en: "is nested deeper than the body's limit of {0} levels",
                    fr: "est imbriqué au-delà de la limite de {0} niveaux du corps de la requête",
                    es: "está anidado más allá del límite de {0} niveles del cuerpo de la solicitud",
                    pt: "está aninhado além do limite de {0} níveis do corpo da requisição")
            case .notAURI:
                Texts(en: "is not a URI", fr: "n'est pas une URI", es: "no es un URI", pt: "não é um URI")
            case .mustBePlainFileName:
                Texts(
                    en: "must be a plain file name", fr: "doit être un simple nom de fichier", es: "debe ser un nombre de archivo simple",
                    pt: "deve ser um nome de arquivo simples")
            case .documentIsEmpty:
                Texts(en: "the document is empty", fr: "le document est vide", es: "el documento está vacío", pt: "o documento está vazio")
            case .repeatsEarlierValue:
                Texts(
                    en: "repeats an earlier value", fr: "répète une valeur déjà indiquée", es: "repite un valor ya indicado",
                    pt: "repete um valor já indicado")
            case .repeatsEarlierLanguage:
                Texts(
                    en: "repeats an earlier language", fr: "répète une langue déjà indiquée", es: "repite un idioma ya indicado",
                    pt: "repete um idioma já indicado")
            case .repeatsEarlierCountry:
                Texts(
                    en: "repeats an earlier country", fr: "répète un pays déjà indiqué", es: "repite un país ya indicado",
                    pt: "repete um país já indicado")
            case .repeatsEarlierID:
                Texts(
                    en: "repeats an earlier id", fr: "répète un identifiant déjà indiqué", es: "repite un identificador ya indicado",
                    pt: "repete um identificador já indicado")
            case .repeatsEarlierRank:
                Texts(
                    en: "repeats an earlier rank", fr: "répète un rang déjà indiqué", es: "repite un puesto ya indicado",
                    pt: "repete uma colocação já indicada")
            case .repeatsEarlierTargetGroup:
                Texts(
                    en: "repeats an earlier target group", fr: "répète un groupe cible déjà indiqué",
                    es: "repite un grupo destinatario ya indicado", pt: "repete um grupo-alvo já indicado")
            case .repeatsEarlierOrganisation:
                Texts(
                    en: "repeats an earlier organisation", fr: "répète une organisation déjà indiquée",
                    es: "repite una organización ya indicada", pt: "repete uma organização já indicada")
            case .notAKnownField:
                Texts(en: "is not a known field", fr: "n'est pas un champ connu", es: "no es un campo conocido", pt: "não é um campo conhecido")
            case .hasInvalidValue:
                Texts(en: "has an invalid value", fr: "a une valeur non valide", es: "tiene un valor no válido", pt: "tem um valor inválido")
            case .mustBeOneOf:
                Texts(
                    en: "must be one of: {0}", fr: "doit être l'une de ces valeurs : {0}", es: "debe ser uno de estos valores: {0}",
                    pt: "deve ser um destes valores: {0}")
            case .mustBe:
                Texts(en: "must be {0}", fr: "doit être {0}", es: "debe ser {0}", pt: "deve ser {0}")
            case .mustBeNotNull:
                Texts(en: "must be {0}, not null", fr: "doit être {0}, et non null", es: "debe ser {0}, no null", pt: "deve ser {0}, não null")
            case .aString:
                Texts(en: "a string", fr: "une chaîne de caractères", es: "una cadena de texto", pt: "uma cadeia de caracteres")
            case .aBoolean:
                Texts(en: "a boolean", fr: "un booléen", es: "un booleano", pt: "um booleano")
            case .anInteger:
                Texts(en: "an integer", fr: "un nombre entier", es: "un número entero", pt: "um número inteiro")
            case .aNumber:
                Texts(en: "a number", fr: "un nombre", es: "un número", pt: "um número")
            case .anArray:
                Texts(en: "an array", fr: "un tableau", es: "un arreglo", pt: "um array")
            case .anObject:
                Texts(en: "an object", fr: "un objet", es: "un objeto", pt: "um objeto")
            case .ofAnotherType:
                Texts(en: "of another type", fr: "d'un autre type", es: "de otro tipo", pt: "de outro tipo")
            case .mayNotBeSetByThisRole:
                Texts(
                    en: "may not be set by this role", fr: "ne peut pas être défini par ce rôle", es: "no puede ser definido por este rol",
                    pt: "não pode ser definido por este perfil")
            case .mayNotBeUsedByThisRole:
                Texts(
                    en: "may not be used by this role", fr: "ne peut pas être utilisé par ce rôle", es: "no puede ser usado por este rol",
                    pt: "não pode ser usado por este perfil")
            case .notAnOrganisationYouActFor:
                Texts(
                    en: "is not an organisation you act for", fr: "n'est pas une organisation que vous représentez",
                    es: "no es una organización que usted represente", pt: "não é uma organização representada por esta credencial")
            case .notARegisteredOrganisation:
                Texts(
                    en: "is not a registered organisation", fr: "n'est pas une organisation enregistrée",
                    es: "no es una organización registrada", pt: "não é uma organização cadastrada")
            case .codeHasReceipts:
                Texts(
                    en: "cannot change: receipts were issued under this code", fr: "ne peut plus changer : des accusés de réception portent ce code",
                    es: "no puede cambiar: se emitieron acuses de recibo con este código",
                    pt: "não pode mudar: foram emitidos comprovantes com este código")
            case .stillUsedBySubmissions:
                Texts(
                    en: "would drop {0}, which submitted proposals use", fr: "retirerait {0}, utilisé par des propositions soumises",
                    es: "eliminaría {0}, que usan propuestas enviadas", pt: "removeria {0}, usado por propostas submetidas")
            case .mustStayAfterSubmissions:
                Texts(
                    en: "must stay after the last submission ({0})", fr: "doit rester après la dernière soumission ({0})",
                    es: "debe seguir siendo posterior al último envío ({0})", pt: "deve continuar depois da última submissão ({0})")
            case .mustStayBeforeSubmissions:
                Texts(
                    en: "must stay at or before the first submission ({0})", fr: "doit rester au plus tard à la première soumission ({0})",
                    es: "debe seguir siendo anterior o igual al primer envío ({0})", pt: "deve continuar até a primeira submissão ({0})")
            case .credentialActsForTooMany:
                Texts(
                    en: "This credential acts for {0} organisations already; ask the secretariat for another.",
                    fr: "Ce jeton représente déjà {0} organisations ; demandez-en un autre au secrétariat.",
                    es: "Este token ya representa {0} organizaciones; pida otro a la secretaría.",
                    pt: "Esta credencial já representa {0} organizações; peça outra ao secretariado.")
            case .mustNotContainControlCharacters:
                Texts(
                    en: "must not contain control characters or bidirectional overrides",
                    fr: "ne doit contenir ni caractères de contrôle ni forçages bidirectionnels",
                    es: "no debe contener caracteres de control ni forzados bidireccionales",
                    pt: "não deve conter caracteres de controle nem substituições bidirecionais")
            case .ranksMustRunFromOne:
                Texts(
                    en: "ranks must run 1, 2, 3… without gaps", fr: "les rangs doivent se suivre 1, 2, 3… sans trou",
                    es: "los puestos deben seguirse 1, 2, 3… sin saltos", pt: "as posições devem seguir 1, 2, 3… sem lacunas")
            case .tooManyDecimalsForCurrency:
                Texts(
                    en: "has more decimals than {0} has ({1})", fr: "a plus de décimales que {0} n'en a ({1})",
                    es: "tiene más decimales de los que tiene {0} ({1})", pt: "tem mais casas decimais do que {0} tem ({1})")
            case .notAMoneyCurrency:
                Texts(
                    en: "is not a currency money is paid in (funds, metals and test codes are not)",
                    fr: "n'est pas une monnaie de paiement (fonds, métaux et codes de test exclus)",
                    es: "no es una moneda de pago (se excluyen fondos, metales y códigos de prueba)",
                    pt: "não é uma moeda de pagamento (fundos, metais e códigos de teste não são)")
            case .mustBeAfterField:
                Texts(en: "must be after {0}", fr: "doit être postérieur à {0}", es: "debe ser posterior a {0}", pt: "deve ser posterior a {0}")
            case .mustBeOnOrAfterField:
                Texts(
                    en: "must be on or after {0}", fr: "doit être égal ou postérieur à {0}", es: "debe ser igual o posterior a {0}",
                    pt: "deve ser igual ou posterior a {0}")
            case .notADocumentOfThisProposal:
                Texts(
                    en: "is not a document attached to this proposal", fr: "n'est pas un document joint à cette proposition",
                    es: "no es un documento adjunto a esta propuesta", pt: "não é um documento anexado a esta proposta")
            case .applicantTokenNeedsOrganisation:
                Texts(
                    en: "must name at least one organisation for an applicant token",
                    fr: "doit indiquer au moins une organisation pour un jeton du rôle applicant",
                    es: "debe indicar al menos una organización para un token del rol applicant",
                    pt: "deve indicar pelo menos uma organização para um token do perfil applicant")
            case .mustBeEmptyForRole:
                Texts(
                    en: "must be empty for the {0} role", fr: "doit être vide pour le rôle {0}", es: "debe estar vacío para el rol {0}",
                    pt: "deve estar vazio para o perfil {0}")
            case .idempotencyKeyFormat:
                Texts(
                    en: "must be 1 to 200 printable ASCII characters", fr: "doit comporter de 1 à 200 caractères ASCII imprimables",
                    es: "debe tener de 1 a 200 caracteres ASCII imprimibles", pt: "deve ter de 1 a 200 caracteres ASCII imprimíveis")
            case .idempotencyKeyUsedElsewhere:
                Texts(
                    en: "was already used with another body or target", fr: "a déjà été utilisé avec un autre corps ou une autre cible",
                    es: "ya se usó con otro cuerpo u otro destino", pt: "já foi usado com outro corpo ou outro destino")
            case .isTheLeadOrganisation:
                Texts(
                    en: "is the lead organisation", fr: "est l'organisation chef de file", es: "es la organización líder",
                    pt: "é a organização líder")
            case .notALanguageOfThisCall:
                Texts(
                    en: "is not a language this call accepts", fr: "n'est pas une langue acceptée par cet appel",
                    es: "no es un idioma que esta convocatoria acepte", pt: "não é um idioma aceito por esta convocatória")
            case .notAStageOfThisCall:
                Texts(
                    en: "is not a stage this call accepts", fr: "n'est pas un stade accepté par cet appel",
                    es: "no es una etapa que esta convocatoria acepte", pt: "não é um estágio aceito por esta convocatória")
            case .deadlinePassed:
                Texts(
                    en: "the call's deadline ({0}) has passed", fr: "la date limite de l'appel ({0}) est dépassée",
                    es: "la fecha límite de la convocatoria ({0}) ya ha pasado", pt: "o prazo da convocatória ({0}) já se encerrou")
            case .callOpensAt:
                Texts(
                    en: "the call opens at {0}", fr: "l'appel n'ouvre qu'à partir de {0}", es: "la convocatoria no abre hasta {0}",
                    pt: "a convocatória só abre em {0}")
            case .needsAQuestion:
                Texts(
                    en: "needs at least one question of this call", fr: "doit contenir au moins une question de cet appel",
                    es: "debe incluir al menos una pregunta de esta convocatoria",
                    pt: "deve incluir pelo menos uma pergunta desta convocatória")
            case .needsASolutionType:
                Texts(
                    en: "needs at least one solution type of this call", fr: "doit contenir au moins un type de solution de cet appel",
                    es: "debe incluir al menos un tipo de solución de esta convocatoria",
                    pt: "deve incluir pelo menos um tipo de solução desta convocatória")
            case .needsATargetGroup:
                Texts(
                    en: "needs at least one target group of this call", fr: "doit contenir au moins un groupe cible de cet appel",
                    es: "debe incluir al menos un grupo destinatario de esta convocatoria",
                    pt: "deve incluir pelo menos um grupo-alvo desta convocatória")
            case .needsAnEligibleCountry:
                Texts(
                    en: "needs at least one country eligible in this call", fr: "doit contenir au moins un pays éligible dans cet appel",
                    es: "debe incluir al menos un país elegible en esta convocatoria",
                    pt: "deve incluir pelo menos um país elegível nesta convocatória")
            case .notAQuestionOfThisCall:
                Texts(
                    en: "is not a question of this call", fr: "n'est pas une question de cet appel",
                    es: "no es una pregunta de esta convocatoria", pt: "não é uma pergunta desta convocatória")
            case .notASolutionTypeOfThisCall:
                Texts(
                    en: "is not a solution type of this call", fr: "n'est pas un type de solution de cet appel",
                    es: "no es un tipo de solución de esta convocatoria", pt: "não é um tipo de solução desta convocatória")
            case .notATargetGroupOfThisCall:
                Texts(
                    en: "is not a target group of this call", fr: "n'est pas un groupe cible de cet appel",
                    es: "no es un grupo destinatario de esta convocatoria", pt: "não é um grupo-alvo desta convocatória")
            case .notAnEligibleCountryOfThisCall:
                Texts(
                    en: "is not a country eligible in this call", fr: "n'est pas un pays éligible dans cet appel",
                    es: "no es un país elegible en esta convocatoria", pt: "não é um país elegível nesta convocatória")
            case .mustHoldAtMostRules:
                Texts(
                    en: "must hold at most {0} rules", fr: "doit contenir au plus {0} règles", es: "debe contener como máximo {0} reglas",
                    pt: "deve conter no máximo {0} regras")
            case .ruleIDFormat:
                Texts(
                    en: "must be 1 to 64 of a-z 0-9 . _ - starting with a letter or digit",
                    fr: "doit comporter de 1 à 64 caractères parmi a-z 0-9 . _ - et commencer par une lettre ou un chiffre",
                    es: "debe tener de 1 a 64 caracteres entre a-z 0-9 . _ - y empezar por una letra o un dígito",
                    pt: "deve ter de 1 a 64 caracteres entre a-z 0-9 . _ - e começar com uma letra ou um dígito")
            case .phaseFormat:
                Texts(
                    en: "must be 1 to 40 of a-z 0-9 _ starting with a letter",
                    fr: "doit comporter de 1 à 40 caractères parmi a-z 0-9 _ et commencer par une lettre",
                    es: "debe tener de 1 a 40 caracteres entre a-z 0-9 _ y empezar por una letra",
                    pt: "deve ter de 1 a 40 caracteres entre a-z 0-9 _ e começar com uma letra")
            case .repeatsRuleID:
                Texts(
                    en: "repeats the id of {0} ({1})", fr: "répète l'identifiant de {0} ({1})", es: "repite el identificador de {0} ({1})",
                    pt: "repete o identificador de {0} ({1})")
            case .operatorNotPortable:
                Texts(
                    en: "rule {0}: operator \"{1}\" is not part of json-logic-js",
                    fr: "règle {0} : l'opérateur « {1} » ne fait pas partie de json-logic-js",
                    es: "regla {0}: el operador «{1}» no forma parte de json-logic-js",
                    pt: "regra {0}: o operador “{1}” não faz parte do json-logic-js")
            case .ruleIsInvalid:
                Texts(en: "rule {0}: {1}", fr: "règle {0} : {1}", es: "regla {0}: {1}", pt: "regra {0}: {1}")
            case .ruleInvalidJSON:
                Texts(en: "Invalid JSON: {0}.", fr: "JSON non valide : {0}.", es: "JSON no válido: {0}.", pt: "JSON inválido: {0}.")
            case .ruleUnknownOperator:
                Texts(
                    en: "Unknown operator \"{0}\".", fr: "Opérateur inconnu « {0} ».", es: "Operador desconocido «{0}».",
                    pt: "Operador desconhecido “{0}”.")
            case .ruleInvalidArguments:
                Texts(
                    en: "Invalid arguments for \"{0}\": {1}.", fr: "Arguments non valides pour « {0} » : {1}.",
                    es: "Argumentos no válidos para «{0}»: {1}.", pt: "Argumentos inválidos para “{0}”: {1}.")
            case .ruleArgumentsExactlyOne:
                Texts(
                    en: "Invalid arguments for \"{0}\": expects exactly 1 argument, got {1}.",
                    fr: "Arguments non valides pour « {0} » : attend exactement 1 argument, en reçoit {1}.",
                    es: "Argumentos no válidos para «{0}»: espera exactamente 1 argumento, recibe {1}.",
                    pt: "Argumentos inválidos para “{0}”: espera exatamente 1 argumento, recebe {1}.")
            case .ruleArgumentsExactly:
                Texts(
                    en: "Invalid arguments for \"{0}\": expects exactly {2} arguments, got {1}.",
                    fr: "Arguments non valides pour « {0} » : attend exactement {2} arguments, en reçoit {1}.",
                    es: "Argumentos no válidos para «{0}»: espera exactamente {2} argumentos, recibe {1}.",
                    pt: "Argumentos inválidos para “{0}”: espera exatamente {2} argumentos, recebe {1}.")
            case .ruleArgumentsAtLeastOne:
                Texts(
                    en: "Invalid arguments for \"{0}\": expects at least 1 argument, got {1}.",
                    fr: "Arguments non valides pour « {0} » : attend au moins 1 argument, en reçoit {1}.",
                    es: "Argumentos no válidos para «{0}»: espera al menos 1 argumento, recibe {1}.",
                    pt: "Argumentos inválidos para “{0}”: espera pelo menos 1 argumento, recebe {1}.")
            case .ruleArgumentsAtLeast:
                Texts(
                    en: "Invalid arguments for \"{0}\": expects at least {2} arguments, got {1}.",
                    fr: "Arguments non valides pour « {0} » : attend au moins {2} arguments, en reçoit {1}.",
                    es: "Argumentos no válidos para «{0}»: espera al menos {2} argumentos, recibe {1}.",
                    pt: "Argumentos inválidos para “{0}”: espera pelo menos {2} argumentos, recebe {1}.")
            case .ruleArgumentsFromTo:
                Texts(
                    en: "Invalid arguments for \"{0}\": expects {2} to {3} arguments, got {1}.",
                    fr: "Arguments non valides pour « {0} » : attend de {2} à {3} arguments, en reçoit {1}.",
                    es: "Argumentos no válidos para «{0}»: espera de {2} a {3} argumentos, recibe {1}.",
                    pt: "Argumentos inválidos para “{0}”: espera de {2} a {3} argumentos, recebe {1}.")
            case .jsonUnexpectedEnd:
                Texts(
                    en: "unexpected end of input at byte {0}", fr: "fin inattendue du texte à l'octet {0}",
                    es: "fin inesperado del texto en el byte {0}", pt: "fim inesperado do texto no byte {0}")
            case .jsonExpectedCommaOrBracket:
                Texts(
                    en: "expected ',' or ']' at byte {0}", fr: "',' ou ']' attendu à l'octet {0}",
                    es: "se esperaba ',' o ']' en el byte {0}", pt: "esperava-se ',' ou ']' no byte {0}")
            case .jsonExpectedCommaOrBrace:
                Texts(
                    en: "expected ',' or '}' at byte {0}", fr: "',' ou '}' attendu à l'octet {0}",
                    es: "se esperaba ',' o '}' en el byte {0}", pt: "esperava-se ',' ou '}' no byte {0}")
            case .jsonTextAfterValue:
                Texts(
                    en: "unexpected text after the JSON value at byte {0}", fr: "texte inattendu après la valeur JSON à l'octet {0}",
                    es: "texto inesperado después del valor JSON en el byte {0}", pt: "texto inesperado após o valor JSON no byte {0}")
            case .jsonExpectedKey:
                Texts(
                    en: "expected a string key at byte {0}", fr: "clé de type chaîne attendue à l'octet {0}",
                    es: "se esperaba una clave de tipo cadena en el byte {0}", pt: "esperava-se uma chave do tipo string no byte {0}")
            case .jsonExpectedColon:
                Texts(
                    en: "expected ':' after an object key at byte {0}", fr: "':' attendu après une clé d'objet à l'octet {0}",
                    es: "se esperaba ':' después de una clave de objeto en el byte {0}", pt: "esperava-se ':' após uma chave de objeto no byte {0}")
            case .jsonUnexpectedCharacter:
                Texts(
                    en: "unexpected character at byte {0}", fr: "caractère inattendu à l'octet {0}",
                    es: "carácter inesperado en el byte {0}", pt: "caractere inesperado no byte {0}")
            case .jsonInvalidUTF8:
                Texts(
                    en: "invalid UTF-8 in a string at byte {0}", fr: "UTF-8 non valide dans une chaîne à l'octet {0}",
                    es: "UTF-8 no válido en una cadena en el byte {0}", pt: "UTF-8 inválido em uma string no byte {0}")
            case .jsonControlCharacter:
                Texts(
                    en: "control character in a string at byte {0}", fr: "caractère de contrôle dans une chaîne à l'octet {0}",
                    es: "carácter de control en una cadena en el byte {0}", pt: "caractere de controle em uma string no byte {0}")
            case .jsonInvalidEscape:
                Texts(
                    en: "invalid escape sequence at byte {0}", fr: "séquence d'échappement non valide à l'octet {0}",
                    es: "secuencia de escape no válida en el byte {0}", pt: "sequência de escape inválida no byte {0}")
            case .jsonUnterminatedString:
                Texts(
                    en: "unterminated string at byte {0}", fr: "chaîne non terminée à l'octet {0}",
                    es: "cadena sin terminar en el byte {0}", pt: "string não terminada no byte {0}")
            case .jsonInvalidUnicodeEscape:
                Texts(
                    en: "invalid \\u escape at byte {0}", fr: "échappement \\u non valide à l'octet {0}",
                    es: "escape \\u no válido en el byte {0}", pt: "escape \\u inválido no byte {0}")
            case .jsonExpectedDigitAfterPoint:
                Texts(
                    en: "expected a digit after '.' at byte {0}", fr: "chiffre attendu après '.' à l'octet {0}",
                    es: "se esperaba un dígito después de '.' en el byte {0}", pt: "esperava-se um dígito após '.' no byte {0}")
            case .jsonExpectedDigitInExponent:
                Texts(
                    en: "expected a digit in the exponent at byte {0}", fr: "chiffre attendu dans l'exposant à l'octet {0}",
                    es: "se esperaba un dígito en el exponente en el byte {0}", pt: "esperava-se um dígito no expoente no byte {0}")
            case .jsonNumberOutOfRange:
                Texts(
                    en: "number out of range at byte {0}", fr: "nombre hors limites à l'octet {0}",
                    es: "número fuera de rango en el byte {0}", pt: "número fora do intervalo no byte {0}")
            case .ruleTooDeep:
                Texts(
                    en: "Nesting is deeper than the limit of {0} levels.", fr: "L'imbrication dépasse la limite de {0} niveaux.",
                    es: "El anidamiento supera el límite de {0} niveles.", pt: "O aninhamento excede o limite de {0} níveis.")
            case .ruleTooLarge:
                Texts(
                    en: "The rule has more than the limit of {0} values.", fr: "La règle dépasse la limite de {0} valeurs.",
                    es: "La regla supera el límite de {0} valores.", pt: "A regra excede o limite de {0} valores.")
            case .ruleInputTooLarge:
                Texts(
                    en: "The JSON text is longer than the limit of {0} bytes.", fr: "Le texte JSON dépasse la limite de {0} octets.",
                    es: "El texto JSON supera el límite de {0} bytes.", pt: "O texto JSON excede o limite de {0} bytes.")
            case .ruleValueTooLarge:
                Texts(
                    en: "A value built during evaluation is larger than the limit of {0} elements.",
                    fr: "Une valeur construite pendant l'évaluation dépasse la limite de {0} éléments.",
                    es: "Un valor construido durante la evaluación supera el límite de {0} elementos.",
                    pt: "Um valor construído durante a avaliação excede o limite de {0} elementos.")
            case .ruleTooManySteps:
                Texts(
                    en: "Evaluation took more than the limit of {0} steps.", fr: "L'évaluation a dépassé la limite de {0} étapes.",
                    es: "La evaluación superó el límite de {0} pasos.", pt: "A avaliação excedeu o limite de {0} passos.")
            case .ruleNaN:
                Texts(
                    en: "Arithmetic produced no finite number (NaN).", fr: "Le calcul n'a produit aucun nombre fini (NaN).",
                    es: "La aritmética no produjo ningún número finito (NaN).", pt: "A aritmética não produziu nenhum número finito (NaN).")
            case .ruleInvalidArgumentValues:
                Texts(
                    en: "An operator received values it cannot work with.", fr: "Un opérateur a reçu des valeurs qu'il ne peut pas traiter.",
                    es: "Un operador recibió valores con los que no puede trabajar.",
                    pt: "Um operador recebeu valores com os quais não consegue trabalhar.")
            case .ruleRaised:
                Texts(
                    en: "The rule raised an error: {0}.", fr: "La règle a levé une erreur : {0}.", es: "La regla generó un error: {0}.",
                    pt: "A regra gerou um erro: {0}.")

            // MARK: Problem details
            case .oneFieldNotValid:
                Texts(en: "1 field is not valid.", fr: "1 champ n'est pas valide.", es: "1 campo no es válido.", pt: "1 campo não é válido.")
            case .fieldsNotValid:
                Texts(
                    en: "{0} fields are not valid.", fr: "{0} champs ne sont pas valides.", es: "{0} campos no son válidos.",
                    pt: "{0} campos não são válidos.")
            case .methodNotAllowed:
                Texts(
                    en: "{0} is not allowed on this path; allowed: {1}.",
                    fr: "{0} n'est pas autorisé sur ce chemin ; méthodes autorisées : {1}.",
                    es: "{0} no está permitido en esta ruta; métodos permitidos: {1}.",
                    pt: "{0} não é permitido neste caminho; métodos permitidos: {1}.")
            case .noOperation:
                Texts(
                    en: "No operation is documented at {0}.", fr: "Aucune opération n'est documentée à l'adresse {0}.",
                    es: "No hay ninguna operación documentada en {0}.", pt: "Nenhuma operação está documentada em {0}.")
            case .unexpectedError:
                Texts(
                    en: "An unexpected error occurred; quote request id {0} when reporting it.",
                    fr: "Une erreur inattendue s'est produite ; veuillez indiquer l'identifiant de requête {0} en la signalant.",
                    es: "Se produjo un error inesperado; indique el identificador de solicitud {0} al informarlo.",
                    pt: "Ocorreu um erro inesperado; informe o identificador de requisição {0} ao relatá-lo.")
            case .contentTypeNotAccepted:
                Texts(
                    en: "This operation does not accept that Content-Type.", fr: "Cette opération n'accepte pas ce Content-Type.",
                    es: "Esta operación no acepta ese Content-Type.", pt: "Esta operação não aceita esse Content-Type.")
            case .noAcceptableRepresentation:
                Texts(
                    en: "No representation matches the Accept header.", fr: "Aucune représentation ne correspond à l'en-tête Accept.",
                    es: "Ninguna representación coincide con el encabezado Accept.",
                    pt: "Nenhuma representação corresponde ao cabeçalho Accept.")
            case .bodyNotJSON:
                Texts(
                    en: "The body is not valid JSON.", fr: "Le corps de la requête n'est pas un JSON valide.",
                    es: "El cuerpo de la solicitud no es un JSON válido.", pt: "O corpo da requisição não é um JSON válido.")
            case .bodyNotJSONBecause:
                Texts(
                    en: "The body is not valid JSON: {0}.", fr: "Le corps de la requête n'est pas un JSON valide : {0}.",
                    es: "El cuerpo de la solicitud no es un JSON válido: {0}.", pt: "O corpo da requisição não é um JSON válido: {0}.")
            case .bodyNestedTooDeep:
                Texts(
                    en: "The body nests arrays and objects deeper than the limit of {0} levels.",
                    fr: "Le corps de la requête imbrique tableaux et objets au-delà de la limite de {0} niveaux.",
                    es: "El cuerpo de la solicitud anida arreglos y objetos más allá del límite de {0} niveles.",
                    pt: "O corpo da requisição aninha arrays e objetos além do limite de {0} níveis.")
            case .bodyUnreadable:
                Texts(
                    en: "The body could not be read.", fr: "Le corps de la requête n'a pas pu être lu.",
                    es: "No se pudo leer el cuerpo de la solicitud.", pt: "Não foi possível ler o corpo da requisição.")
            case .documentUnreadable:
                Texts(
                    en: "The document could not be read.", fr: "Le document n'a pas pu être lu.", es: "No se pudo leer el documento.",
                    pt: "Não foi possível ler o documento.")
            case .bodyTooLarge:
                Texts(
                    en: "The body is {0} bytes; the limit is {1} bytes.",
                    fr: "Le corps de la requête fait {0} octets ; la limite est de {1} octets.",
                    es: "El cuerpo de la solicitud tiene {0} bytes; el límite es de {1} bytes.",
                    pt: "O corpo da requisição tem {0} bytes; o limite é de {1} bytes.")
            case .bodyOverLimit:
                Texts(
                    en: "The body is larger than the limit of {0} bytes.", fr: "Le corps de la requête dépasse la limite de {0} octets.",
                    es: "El cuerpo de la solicitud supera el límite de {0} bytes.", pt: "O corpo da requisição excede o limite de {0} bytes.")
            case .bodyNeedsContentType:
                Texts(
                    en: "A request body needs a Content-Type header.",
                    fr: "Un corps de requête doit être accompagné d'un en-tête Content-Type.",
                    es: "Un cuerpo de solicitud requiere un encabezado Content-Type.",
                    pt: "Um corpo de requisição exige um cabeçalho Content-Type.")
            case .missingHeader:
                Texts(
                    en: "The header {0} is required.", fr: "L'en-tête {0} est obligatoire.", es: "El encabezado {0} es obligatorio.",
                    pt: "O cabeçalho {0} é obrigatório.")
            case .missingPathParameter:
                Texts(
                    en: "The path parameter {0} is required.", fr: "Le paramètre de chemin {0} est obligatoire.",
                    es: "El parámetro de ruta {0} es obligatorio.", pt: "O parâmetro de caminho {0} é obrigatório.")
            case .bodyRequired:
                Texts(
                    en: "This operation needs a request body.", fr: "Cette opération nécessite un corps de requête.",
                    es: "Esta operación requiere un cuerpo de solicitud.", pt: "Esta operação exige um corpo de requisição.")
            case .valueNotAllowed:
                Texts(
                    en: "A parameter or header has a value that is not allowed: {0}.",
                    fr: "Un paramètre ou un en-tête a une valeur non autorisée : {0}.",
                    es: "Un parámetro o encabezado tiene un valor no permitido: {0}.",
                    pt: "Um parâmetro ou cabeçalho tem um valor não permitido: {0}.")
            case .requestValueHasNUL:
                Texts(
                    en: "A path segment, parameter or header contains the NUL character (U+0000).",
                    fr: "Un segment du chemin, un paramètre ou un en-tête contient le caractère NUL (U+0000).",
                    es: "Un segmento de la ruta, un parámetro o un encabezado contiene el carácter NUL (U+0000).",
                    pt: "Um segmento do caminho, um parâmetro ou um cabeçalho contém o caractere NUL (U+0000).")
            case .notAnInstant:
                Texts(
                    en: "A parameter or header is not an RFC 3339 instant.",
                    fr: "Un paramètre ou un en-tête n'est pas un instant RFC 3339.",
                    es: "Un parámetro o encabezado no es un instante RFC 3339.",
                    pt: "Um parâmetro ou cabeçalho não é um instante RFC 3339.")
            case .parameterUnreadable:
                Texts(
                    en: "A parameter or header could not be read: {0}", fr: "Un paramètre ou un en-tête n'a pas pu être lu : {0}",
                    es: "No se pudo leer un parámetro o encabezado: {0}", pt: "Não foi possível ler um parâmetro ou cabeçalho: {0}")
            case .serviceBusy:
                Texts(
                    en: "The service is busy; try again shortly.",
                    fr: "Le service est occupé ; veuillez réessayer dans quelques instants.",
                    es: "El servicio está ocupado; vuelva a intentarlo en breve.", pt: "O serviço está ocupado; tente novamente em instantes.")
            case .shuttingDown:
                Texts(
                    en: "The service is shutting down.", fr: "Le service est en cours d'arrêt.", es: "El servicio se está deteniendo.",
                    pt: "O serviço está sendo encerrado.")
            case .databaseUnreachableTryAgain:
                Texts(
                    en: "The database cannot be reached; try again shortly.",
                    fr: "La base de données est injoignable ; veuillez réessayer dans quelques instants.",
                    es: "No se puede acceder a la base de datos; vuelva a intentarlo en breve.",
                    pt: "Não é possível acessar o banco de dados; tente novamente em instantes.")
            case .databaseUnreachable:
                Texts(
                    en: "The database cannot be reached.", fr: "La base de données est injoignable.",
                    es: "No se puede acceder a la base de datos.", pt: "Não é possível acessar o banco de dados.")
            case .requestConflicted:
                Texts(
                    en: "The request conflicted with others; try again.",
                    fr: "La requête est entrée en conflit avec d'autres ; veuillez réessayer.",
                    es: "La solicitud entró en conflicto con otras; vuelva a intentarlo.",
                    pt: "A requisição entrou em conflito com outras; tente novamente.")
            case .changeMayHaveBeenMade:
                Texts(
                    en: "The database stopped answering once the change was sent: it may have been made. Repeat the request with the same Idempotency-Key to learn its outcome, or read the resource.",
                    fr: "La base de données a cessé de répondre une fois la modification envoyée : elle a pu être faite. Répétez la requête avec la même Idempotency-Key pour en connaître le résultat, ou lisez la ressource.",
                    es: "La base de datos dejó de responder una vez enviado el cambio: puede que se haya hecho. Repita la solicitud con la misma Idempotency-Key para conocer el resultado, o lea el recurso.",
                    pt: "O banco de dados deixou de responder depois que a alteração foi enviada: ela pode ter sido feita. Repita a requisição com a mesma Idempotency-Key para saber o resultado, ou leia o recurso.")
            case .listWaitsForCreation:
                Texts(
                    en: "A creation in progress in this list is taking long; try again shortly.",
                    fr: "Une création en cours dans cette liste prend du temps ; veuillez réessayer dans quelques instants.",
                    es: "Una creación en curso en esta lista está tardando; vuelva a intentarlo en breve.",
                    pt: "Uma criação em andamento nesta lista está demorando; tente novamente em instantes.")
            case .requestTookTooLong:
                Texts(
                    en: "The request took too long and was stopped; try again shortly.",
                    fr: "La requête a pris trop de temps et a été interrompue ; veuillez réessayer dans quelques instants.",
                    es: "La solicitud tardó demasiado y se detuvo; vuelva a intentarlo en breve.",
                    pt: "A requisição demorou demais e foi interrompida; tente novamente em instantes.")
            case .tooManyConnections:
                Texts(
                    en: "The server has as many connections open as it allows; try again shortly.",
                    fr: "Le serveur a autant de connexions ouvertes qu'il en permet ; veuillez réessayer dans quelques instants.",
                    es: "El servidor tiene abiertas tantas conexiones como permite; vuelva a intentarlo en breve.",
                    pt: "O servidor tem tantas conexões abertas quanto permite; tente novamente em instantes.")
            case .tooManyBodiesInFlight:
                Texts(
                    en: "The server is receiving as many request bodies as it holds at once; the body was not read. Try again shortly.",
                    fr: "Le serveur reçoit autant de corps de requête qu'il peut en garder à la fois ; le corps n'a pas été lu. Veuillez réessayer dans quelques instants.",
                    es: "El servidor está recibiendo tantos cuerpos de solicitud como puede retener a la vez; el cuerpo no se leyó. Vuelva a intentarlo en breve.",
                    pt: "O servidor está recebendo tantos corpos de requisição quanto consegue manter ao mesmo tempo; o corpo não foi lido. Tente novamente em instantes.")
            case .bodyTooSlow:
                Texts(
                    en: "The request body did not arrive in full within {0} seconds; the connection is closed.",
                    fr: "Le corps de la requête n'est pas arrivé en entier en {0} secondes ; la connexion est fermée.",
                    es: "El cuerpo de la solicitud no llegó completo en {0} segundos; la conexión se cierra.",
                    pt: "O corpo da requisição não chegou completo em {0} segundos; a conexão foi encerrada.")
            case .requestHeadTooLarge:
                Texts(
                    en: "The request head is larger than the server reads (16 KiB per header, 64 KiB in all, 100 headers); the connection is closed.",
                    fr: "L'en-tête de la requête dépasse ce que le serveur lit (16 Kio par champ, 64 Kio en tout, 100 champs) ; la connexion est fermée.",
                    es: "La cabecera de la solicitud supera lo que el servidor lee (16 KiB por campo, 64 KiB en total, 100 campos); la conexión se cierra.",
                    pt: "O cabeçalho da requisição excede o que o servidor lê (16 KiB por campo, 64 KiB no total, 100 campos); a conexão foi encerrada.")
            case .contentCodingNotAccepted:
                Texts(
                    en: "Request bodies are read as sent: send it without a Content-Encoding.",
                    fr: "Les corps de requête sont lus tels qu'envoyés : envoyez-le sans Content-Encoding.",
                    es: "Los cuerpos de las solicitudes se leen tal como se envían: envíelo sin Content-Encoding.",
                    pt: "Os corpos das requisições são lidos como enviados: envie-o sem Content-Encoding.")
            case .acceptUnreadable:
                Texts(
                    en: "The Accept header cannot be read (RFC 9110, section 12.5.1).",
                    fr: "L'en-tête Accept ne peut pas être lu (RFC 9110, section 12.5.1).",
                    es: "El encabezado Accept no se puede leer (RFC 9110, sección 12.5.1).",
                    pt: "O cabeçalho Accept não pode ser lido (RFC 9110, seção 12.5.1).")
            case .pathUnreadable:
                Texts(
                    en: "The path is not valid percent-encoded UTF-8 (RFC 3986).",
                    fr: "Le chemin n'est pas de l'UTF-8 encodé en pourcentage valide (RFC 3986).",
                    es: "La ruta no es UTF-8 válido codificado con porcentajes (RFC 3986).",
                    pt: "O caminho não é UTF-8 válido codificado com porcentagem (RFC 3986).")
            case .requestHeadUnreadable:
                Texts(
                    en: "The request could not be read as HTTP/1.1; the connection is closed.",
                    fr: "La requête n'a pas pu être lue comme du HTTP/1.1 ; la connexion est fermée.",
                    es: "La solicitud no se pudo leer como HTTP/1.1; la conexión se cierra.",
                    pt: "A requisição não pôde ser lida como HTTP/1.1; a conexão foi encerrada.")
            case .hostRequired:
                Texts(
                    en: "An HTTP/1.1 request must carry exactly one Host header; the connection is closed.",
                    fr: "Une requête HTTP/1.1 doit porter exactement un en-tête Host ; la connexion est fermée.",
                    es: "Una solicitud HTTP/1.1 debe llevar exactamente una cabecera Host; la conexión se cierra.",
                    pt: "Uma requisição HTTP/1.1 deve trazer exatamente um cabeçalho Host; a conexão foi encerrada.")
            case .hostNotValid:
                Texts(
                    en: "A request carries at most one Host header, naming a host and optionally a port; the connection is closed.",
                    fr: "Une requête porte au plus un en-tête Host, qui nomme un hôte et éventuellement un port ; la connexion est fermée.",
                    es: "Una solicitud lleva como máximo una cabecera Host, que nombra un host y opcionalmente un puerto; la conexión se cierra.",
                    pt: "Uma requisição traz no máximo um cabeçalho Host, que nomeia um host e opcionalmente uma porta; a conexão foi encerrada.")
            case .transferEncodingUnframed:
                Texts(
                    en: "Transfer-Encoding is allowed only on HTTP/1.1 requests, with chunked as its last coding; the connection is closed.",
                    fr: "Transfer-Encoding n'est admis que sur une requête HTTP/1.1, avec chunked pour dernier codage ; la connexion est fermée.",
                    es: "Transfer-Encoding solo se admite en solicitudes HTTP/1.1, con chunked como última codificación; la conexión se cierra.",
                    pt: "Transfer-Encoding só é aceito em requisições HTTP/1.1, com chunked como última codificação; a conexão foi encerrada.")
            case .transferCodingNotImplemented:
                Texts(
                    en: "The transfer coding {0} is not supported; only chunked is. The connection is closed.",
                    fr: "Le codage de transfert {0} n'est pas pris en charge ; seul chunked l'est. La connexion est fermée.",
                    es: "La codificación de transferencia {0} no se admite; solo chunked. La conexión se cierra.",
                    pt: "A codificação de transferência {0} não é suportada; apenas chunked. A conexão foi encerrada.")
            case .connectNotServed:
                Texts(
                    en: "CONNECT is not served: this server is not a proxy. The connection is closed.",
                    fr: "CONNECT n'est pas servi : ce serveur n'est pas un proxy. La connexion est fermée.",
                    es: "CONNECT no se atiende: este servidor no es un proxy. La conexión se cierra.",
                    pt: "CONNECT não é atendido: este servidor não é um proxy. A conexão foi encerrada.")
            case .pendingMigrations:
                Texts(
                    en: "The database schema has pending migrations.", fr: "Le schéma de la base de données a des migrations en attente.",
                    es: "El esquema de la base de datos tiene migraciones pendientes.",
                    pt: "O esquema do banco de dados tem migrações pendentes.")
            case .ifMatchRequired:
                Texts(
                    en: "Send If-Match with the ETag of the version you are changing.",
                    fr: "Veuillez envoyer If-Match avec l'ETag de la version que vous modifiez.",
                    es: "Envíe If-Match con el ETag de la versión que está modificando.",
                    pt: "Envie If-Match com o ETag da versão que está sendo alterada.")
            case .resourceChanged:
                Texts(
                    en: "If-Match names no current version of the resource as you see it; its current ETag is {0}.",
                    fr: "If-Match ne désigne aucune version actuelle de la ressource telle que vous la voyez ; son ETag actuel est {0}.",
                    es: "If-Match no designa ninguna versión actual del recurso tal como usted lo ve; su ETag actual es {0}.",
                    pt: "If-Match não designa nenhuma versão atual do recurso como você o vê; seu ETag atual é {0}.")
            case .preconditionMalformed:
                Texts(
                    en: "If-Match must be * alone or a list of quoted entity tags; the current ETag is {0}.",
                    fr: "If-Match doit être * seul ou une liste d'ETag entre guillemets ; l'ETag actuel est {0}.",
                    es: "If-Match debe ser * solo o una lista de ETag entre comillas; el ETag actual es {0}.",
                    pt: "If-Match deve ser * sozinho ou uma lista de ETags entre aspas; o ETag atual é {0}.")
            case .currentVersionNamed:
                Texts(
                    en: "If-None-Match names the current version ({0}); nothing was changed.",
                    fr: "If-None-Match désigne la version actuelle ({0}) ; rien n'a été modifié.",
                    es: "If-None-Match designa la versión actual ({0}); no se ha cambiado nada.",
                    pt: "If-None-Match designa a versão atual ({0}); nada foi alterado.")
            case .idempotencyKeyInUse:
                Texts(
                    en: "The Idempotency-Key is in use; try again.", fr: "L'Idempotency-Key est en cours d'utilisation ; veuillez réessayer.",
                    es: "La Idempotency-Key está en uso; vuelva a intentarlo.", pt: "A Idempotency-Key está em uso; tente novamente.")
            case .idempotencyKeyReused:
                Texts(
                    en: "This Idempotency-Key was used with a different request.",
                    fr: "Cette Idempotency-Key a été utilisée avec une autre requête.",
                    es: "Esta Idempotency-Key se usó con una solicitud diferente.",
                    pt: "Esta Idempotency-Key foi usada com uma requisição diferente.")
            case .bearerTokenRequired:
                Texts(
                    en: "A valid bearer token is required.", fr: "Un jeton porteur (bearer) valide est requis.",
                    es: "Se requiere un token de portador (bearer) válido.", pt: "É necessário um token de portador (bearer) válido.")
            case .tooManyRequests:
                Texts(
                    en: "Too many requests for this credential; retry in {0} s.",
                    fr: "Trop de requêtes pour ce jeton ; veuillez réessayer dans {0} s.",
                    es: "Demasiadas solicitudes para esta credencial; vuelva a intentarlo en {0} s.",
                    pt: "Requisições demais para esta credencial; tente novamente em {0} s.")
            case .roleMayNotCall:
                Texts(
                    en: "The {0} role may not call {1}.", fr: "Le rôle {0} ne peut pas appeler {1}.", es: "El rol {0} no puede llamar a {1}.",
                    pt: "O perfil {0} não pode chamar {1}.")
            case .roleMayNotChangeOrganisations:
                Texts(
                    en: "The {0} role may not change organisations.", fr: "Le rôle {0} ne peut pas modifier les organisations.",
                    es: "El rol {0} no puede modificar organizaciones.", pt: "O perfil {0} não pode alterar organizações.")
            case .onlySecretariatSetsDueDiligence:
                Texts(
                    en: "Only the secretariat sets due diligence.", fr: "Seul le secrétariat définit la vérification préalable.",
                    es: "Solo la secretaría define la debida diligencia.", pt: "Somente a secretaria define a diligência prévia.")
            case .dueDiligenceNotForRole:
                Texts(
                    en: "The {0} role does not see due diligence, nor filters on it.",
                    fr: "Le rôle {0} ne voit pas la vérification préalable et ne peut pas filtrer sur elle.",
                    es: "El rol {0} no ve la debida diligencia ni puede filtrar por ella.",
                    pt: "O perfil {0} não vê a diligência prévia nem pode filtrar por ela.")
            case .credentialNotForLead:
                Texts(
                    en: "This credential does not act for the lead organisation.",
                    fr: "Ce jeton n'agit pas au nom de l'organisation chef de file.",
                    es: "Esta credencial no actúa en nombre de la organización líder.",
                    pt: "Esta credencial não atua em nome da organização líder.")
            case .onlyLeadChangesProposal:
                Texts(
                    en: "Only the lead organisation changes a proposal.", fr: "Seule l'organisation chef de file peut modifier une proposition.",
                    es: "Solo la organización líder puede modificar una propuesta.",
                    pt: "Somente a organização líder pode alterar uma proposta.")
            case .noSuchCall:
                Texts(en: "No call {0}.", fr: "Appel {0} introuvable.", es: "Convocatoria {0} no encontrada.", pt: "Convocatória {0} não encontrada.")
            case .noSuchOrganisation:
                Texts(
                    en: "No organisation {0}.", fr: "Organisation {0} introuvable.", es: "Organización {0} no encontrada.",
                    pt: "Organização {0} não encontrada.")
            case .noSuchProposal:
                Texts(en: "No proposal {0}.", fr: "Proposition {0} introuvable.", es: "Propuesta {0} no encontrada.", pt: "Proposta {0} não encontrada.")
            case .noSuchToken:
                Texts(en: "No token {0}.", fr: "Jeton {0} introuvable.", es: "Token {0} no encontrado.", pt: "Token {0} não encontrado.")
            case .noSuchDocument:
                Texts(en: "No document {0}.", fr: "Document {0} introuvable.", es: "Documento {0} no encontrado.", pt: "Documento {0} não encontrado.")
            case .noCallForProposal:
                Texts(
                    en: "No call for proposal {0}.", fr: "Appel de la proposition {0} introuvable.",
                    es: "No se encontró la convocatoria de la propuesta {0}.", pt: "Convocatória da proposta {0} não encontrada.")
            case .callChangeBreaksSubmissions:
                Texts(
                    en: "This change would contradict proposals already submitted to the call.",
                    fr: "Cette modification contredirait des propositions déjà soumises à l'appel.",
                    es: "Este cambio contradiría propuestas ya enviadas a la convocatoria.",
                    pt: "Esta alteração contradiria propostas já submetidas à convocatória.")
            case .registrationTaken:
                Texts(
                    en: "Another organisation is registered under number {1} in {0}.",
                    fr: "Une autre organisation est enregistrée sous le numéro {1} en {0}.",
                    es: "Otra organización está registrada con el número {1} en {0}.",
                    pt: "Outra organização está cadastrada com o número {1} em {0}.")
            case .callCodeExists:
                Texts(
                    en: "A call with code {0} exists already.", fr: "Un appel portant le code {0} existe déjà.",
                    es: "Ya existe una convocatoria con el código {0}.", pt: "Já existe uma convocatória com o código {0}.")
            case .onlyDraftsChange:
                Texts(
                    en: "The proposal is {0}; only drafts can be changed.",
                    fr: "La proposition est à l'état « {0} » ; seuls les brouillons peuvent être modifiés.",
                    es: "La propuesta está en estado «{0}»; solo se pueden modificar los borradores.",
                    pt: "A proposta está no estado “{0}”; apenas rascunhos podem ser alterados.")
            case .onlyDraftsSubmit:
                Texts(
                    en: "The proposal is {0}; only drafts can be submitted.",
                    fr: "La proposition est à l'état « {0} » ; seuls les brouillons peuvent être soumis.",
                    es: "La propuesta está en estado «{0}»; solo se pueden presentar los borradores.",
                    pt: "A proposta está no estado “{0}”; apenas rascunhos podem ser submetidos.")
            case .cannotWithdraw:
                Texts(
                    en: "The proposal is {0}; it cannot be withdrawn.",
                    fr: "La proposition est à l'état « {0} » ; elle ne peut pas être retirée.",
                    es: "La propuesta está en estado «{0}»; no se puede retirar.",
                    pt: "A proposta está no estado “{0}”; não pode ser retirada.")
            case .documentsOnlyOnDrafts:
                Texts(
                    en: "The proposal is {0}; documents are attached to drafts.",
                    fr: "La proposition est à l'état « {0} » ; les documents ne se joignent qu'aux brouillons.",
                    es: "La propuesta está en estado «{0}»; los documentos solo se adjuntan a borradores.",
                    pt: "A proposta está no estado “{0}”; documentos só são anexados a rascunhos.")
            case .onlySubmittedScreened:
                Texts(
                    en: "The proposal is {0}; only submitted proposals are screened.",
                    fr: "La proposition est à l'état « {0} » ; seules les propositions soumises sont examinées.",
                    es: "La propuesta está en estado «{0}»; solo se evalúan las propuestas presentadas.",
                    pt: "A proposta está no estado “{0}”; apenas propostas submetidas passam pela triagem.")
            case .onlySubmittedOverridden:
                Texts(
                    en: "The proposal is {0}; only a submitted proposal's screening can be overridden.",
                    fr: "La proposition est à l'état « {0} » ; seul l'examen d'une proposition soumise peut être remplacé.",
                    es: "La propuesta está en estado «{0}»; solo se puede anular la evaluación de una propuesta presentada.",
                    pt: "A proposta está no estado “{0}”; só a triagem de uma proposta submetida pode ser substituída.")
            case .cannotSubmitOneReason:
                Texts(
                    en: "The proposal cannot be submitted: 1 reason.", fr: "La proposition ne peut pas être soumise : 1 motif.",
                    es: "La propuesta no se puede presentar: 1 motivo.", pt: "A proposta não pode ser submetida: 1 motivo.")
            case .cannotSubmit:
                Texts(
                    en: "The proposal cannot be submitted: {0} reasons.", fr: "La proposition ne peut pas être soumise : {0} motifs.",
                    es: "La propuesta no se puede presentar: {0} motivos.", pt: "A proposta não pode ser submetida: {0} motivos.")
            case .documentTypes:
                Texts(
                    en: "Documents may be {0}.", fr: "Les documents peuvent être de type {0}.", es: "Los documentos pueden ser de tipo {0}.",
                    pt: "Os documentos podem ser do tipo {0}.")
            case .documentOverLimit:
                Texts(
                    en: "The document is larger than the limit of {0} bytes.", fr: "Le document dépasse la limite de {0} octets.",
                    es: "El documento supera el límite de {0} bytes.", pt: "O documento excede o limite de {0} bytes.")
            case .noRulesetYet:
                Texts(
                    en: "The call {0} has no ruleset yet.", fr: "L'appel {0} n'a pas encore de jeu de règles.",
                    es: "La convocatoria {0} aún no tiene un conjunto de reglas.", pt: "A convocatória {0} ainda não tem um conjunto de regras.")
            case .noRulesetToScreenWith:
                Texts(
                    en: "The call {0} has no ruleset to screen with.", fr: "L'appel {0} n'a pas de jeu de règles pour examiner les propositions.",
                    es: "La convocatoria {0} no tiene un conjunto de reglas para evaluar las propuestas.",
                    pt: "A convocatória {0} não tem um conjunto de regras para a triagem.")
            case .screenBeforeOverriding:
                Texts(
                    en: "The proposal has not been screened; screen it before overriding the decision.",
                    fr: "La proposition n'a pas encore été examinée ; veuillez l'examiner avant de remplacer la décision.",
                    es: "La propuesta no ha sido evaluada; evalúela antes de anular la decisión.",
                    pt: "A proposta não passou pela triagem; faça a triagem antes de substituir a decisão.")
            case .notScreened:
                Texts(
                    en: "The proposal {0} has not been screened.", fr: "La proposition {0} n'a pas encore été examinée.",
                    es: "La propuesta {0} no ha sido evaluada.", pt: "A proposta {0} não passou pela triagem.")
            case .oneProblemWithRules:
                Texts(
                    en: "1 problem with the rules.", fr: "1 problème dans les règles.", es: "1 problema en las reglas.",
                    pt: "1 problema nas regras.")
            case .problemsWithRules:
                Texts(
                    en: "{0} problems with the rules.", fr: "{0} problèmes dans les règles.", es: "{0} problemas en las reglas.",
                    pt: "{0} problemas nas regras.")
            case .submissionRuleFailed:
                Texts(
                    en: "The proposal does not meet 1 rule of the call (ruleset version {0}).",
                    fr: "La proposition ne respecte pas 1 règle de l'appel (version {0} du jeu de règles).",
                    es: "La propuesta no cumple 1 regla de la convocatoria (versión {0} del conjunto de reglas).",
                    pt: "A proposta não cumpre 1 regra da convocatória (versão {0} do conjunto de regras).")
            case .submissionRulesFailed:
                Texts(
                    en: "The proposal does not meet {0} rules of the call (ruleset version {1}).",
                    fr: "La proposition ne respecte pas {0} règles de l'appel (version {1} du jeu de règles).",
                    es: "La propuesta no cumple {0} reglas de la convocatoria (versión {1} del conjunto de reglas).",
                    pt: "A proposta não cumpre {0} regras da convocatória (versão {1} do conjunto de regras).")
            }
        }
    }
}

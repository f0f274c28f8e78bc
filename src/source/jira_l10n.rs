//! Jira exports written in other languages. The header of a CSV export follows the
//! language of the user who exported it (`Clave de incidencia` for `Issue key`), and so do
//! status categories, statuses and resolutions; priorities and link-type names stay
//! English. Each localised header is mapped to its English name, so a localised export
//! imports like an English one.
//!
//! Sources: the header names marked confirmed were read in real exports of public
//! repositories (Spanish ×7, French, Brazilian Portuguese, Polish ×2) or in Jira's own
//! German output; the ones marked `// guess` are Atlassian's usual translations, not yet
//! seen in an export. `docs/real-exports.md` lists the exports.

/// Languages by tag, as error messages name them.
const LANGUAGES: &[(&str, &str)] = &[
    ("de", "German"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt-BR", "Portuguese"),
    ("ru", "Russian"),
];

/// (language, localised header folded: lower case, single spaces, English header).
const HEADERS: &[(&str, &str, &str)] = &[
    ("de", "betrifft versionen", "Affects versions"),
    ("de", "betroffene version/en", "Affects versions"), // guess
    ("de", "zugewiesene person", "Assignee"),
    ("de", "bearbeiter", "Assignee"), // guess
    ("de", "id der zugewiesenen person", "Assignee Id"),
    ("de", "anhang", "Attachment"),
    ("de", "kommentar", "Comment"),    // guess
    ("de", "kommentieren", "Comment"), // guess
    ("de", "komponenten", "Components"),
    ("de", "komponente/n", "Components"), // guess
    ("de", "erstellt", "Created"),
    ("de", "ersteller", "Creator"),
    ("de", "ersteller-id", "Creator Id"),
    ("de", "beschreibung", "Description"),
    ("de", "fälligkeitsdatum", "Due date"),
    ("de", "umgebung", "Environment"),
    ("de", "lösungsversionen", "Fix versions"),
    ("de", "lösungsversion/en", "Fix versions"), // guess
    ("de", "vorgangstyp", "Issue Type"),
    ("de", "vorgangs-id", "Issue id"),
    ("de", "vorgangsschlüssel", "Issue key"),
    ("de", "label", "Labels"),       // guess
    ("de", "stichwörter", "Labels"), // guess
    ("de", "zuletzt angezeigt", "Last Viewed"),
    ("de", "arbeit protokollieren", "Log Work"),
    ("de", "ursprüngliche schätzung", "Original estimate"),
    ("de", "übergeordnet", "Parent"),
    ("de", "priorität", "Priority"),
    ("de", "projektbeschreibung", "Project description"),
    ("de", "projektschlüssel", "Project key"),
    ("de", "projektleiter", "Project lead"),
    ("de", "id des projektleiters", "Project lead id"),
    ("de", "projektname", "Project name"),
    ("de", "projekttyp", "Project type"),
    ("de", "restschätzung", "Remaining Estimate"),
    ("de", "verbleibende schätzung", "Remaining Estimate"),
    ("de", "autor", "Reporter"),
    ("de", "id des autors", "Reporter Id"),
    ("de", "lösung", "Resolution"),
    ("de", "erledigt", "Resolved"),
    ("de", "sicherheitsstufe", "Security Level"),
    ("de", "statuskategorie", "Status Category"),
    ("de", "statuskategorie geändert", "Status Category Changed"),
    ("de", "zusammenfassung", "Summary"),
    ("de", "benötigte zeit", "Time Spent"),
    ("de", "aktualisiert", "Updated"),
    ("de", "stimmen", "Votes"),
    ("de", "beobachter", "Watchers"),
    ("de", "id des beobachters", "Watchers Id"),
    ("de", "verhältnis tatsächlicher zu geschätzter arbeit", "Work Ratio"),
    ("de", "σ ursprüngliche schätzung", "Σ Original Estimate"),
    ("de", "σ restschätzung", "Σ Remaining Estimate"),
    ("de", "σ verbleibende schätzung", "Σ Remaining Estimate"),
    ("de", "σ benötigte zeit", "Σ Time Spent"),
    ("es", "versiones afectadas", "Affects versions"), // guess
    ("es", "versión/es afectada/s", "Affects versions"), // guess
    ("es", "persona asignada", "Assignee"),
    ("es", "responsable", "Assignee"),
    ("es", "id de la persona asignada", "Assignee Id"),
    ("es", "adjunto", "Attachment"),
    ("es", "comentario", "Comment"),
    ("es", "componente/s", "Components"), // guess
    ("es", "creada", "Created"),
    ("es", "creador", "Creator"),
    ("es", "id del creador", "Creator Id"),
    ("es", "descripción", "Description"),
    ("es", "fecha de vencimiento", "Due date"),
    ("es", "fecha de entrega", "Due date"),
    ("es", "entorno", "Environment"),
    ("es", "versiones de corrección", "Fix versions"), // guess
    ("es", "versión/es de corrección", "Fix versions"), // guess
    ("es", "tipo de incidencia", "Issue Type"),
    ("es", "id de la incidencia", "Issue id"),
    ("es", "clave de incidencia", "Issue key"),
    ("es", "etiquetas", "Labels"),
    ("es", "vista por última vez", "Last Viewed"),
    ("es", "estimación original", "Original estimate"),
    ("es", "principal", "Parent"),
    ("es", "id del elemento padre", "Parent id"),
    ("es", "clave principal", "Parent key"),
    ("es", "prioridad", "Priority"),
    ("es", "descripción del proyecto", "Project description"),
    ("es", "clave del proyecto", "Project key"),
    ("es", "responsable del proyecto", "Project lead"),
    ("es", "jefe de proyecto", "Project lead"),
    ("es", "id del responsable del proyecto", "Project lead id"),
    ("es", "nombre del proyecto", "Project name"),
    ("es", "tipo de proyecto", "Project type"),
    ("es", "url del proyecto", "Project url"),
    ("es", "trabajo restante estimado", "Remaining Estimate"),
    ("es", "estimación restante", "Remaining Estimate"),
    ("es", "informador", "Reporter"),
    ("es", "id del informador", "Reporter Id"),
    ("es", "resolución", "Resolution"),
    ("es", "resuelta", "Resolved"),
    ("es", "nivel de seguridad", "Security Level"),
    ("es", "estado", "Status"),
    ("es", "categoría de estado", "Status Category"),
    ("es", "categoría de estado cambiada", "Status Category Changed"),
    ("es", "resumen", "Summary"),
    ("es", "tiempo trabajado", "Time Spent"),
    ("es", "actualizada", "Updated"),
    ("es", "votos", "Votes"),
    ("es", "interesados", "Watchers"),
    ("es", "observadores", "Watchers"),
    ("es", "id de los interesados", "Watchers Id"),
    ("es", "relación de trabajo", "Work Ratio"),
    ("es", "σ estimación original", "Σ Original Estimate"),
    ("es", "σ trabajo restante estimado", "Σ Remaining Estimate"),
    ("es", "σ estimación restante", "Σ Remaining Estimate"),
    ("es", "σ tiempo empleado", "Σ Time Spent"),
    ("fr", "versions affectées", "Affects versions"), // guess
    ("fr", "personne assignée", "Assignee"),
    ("fr", "id de la personne assignée", "Assignee Id"),
    ("fr", "pièce jointe", "Attachment"),
    ("fr", "commentaire", "Comment"),   // guess
    ("fr", "composants", "Components"), // guess
    ("fr", "création", "Created"),
    ("fr", "créateur", "Creator"),
    ("fr", "id de créateur", "Creator Id"),
    ("fr", "date d'échéance", "Due date"),
    ("fr", "environnement", "Environment"),
    ("fr", "versions corrigées", "Fix versions"), // guess
    ("fr", "type de ticket", "Issue Type"),
    ("fr", "id de ticket", "Issue id"),
    ("fr", "clé de ticket", "Issue key"),
    ("fr", "étiquettes", "Labels"), // guess
    ("fr", "dernier affichage", "Last Viewed"),
    ("fr", "estimation originale", "Original estimate"),
    ("fr", "priorité", "Priority"),
    ("fr", "description du projet", "Project description"),
    ("fr", "clé de projet", "Project key"),
    ("fr", "chef de projet", "Project lead"),
    ("fr", "id de responsable de projet", "Project lead id"),
    ("fr", "nom du projet", "Project name"),
    ("fr", "type de projet", "Project type"),
    ("fr", "estimation restante", "Remaining Estimate"),
    ("fr", "rapporteur", "Reporter"),
    ("fr", "id de rapporteur", "Reporter Id"),
    ("fr", "résolution", "Resolution"),
    ("fr", "résolu", "Resolved"),
    ("fr", "niveau de sécurité", "Security Level"),
    ("fr", "état", "Status"),
    ("fr", "catégorie d'état", "Status Category"),
    ("fr", "catégorie d'état modifiée", "Status Category Changed"),
    ("fr", "résumé", "Summary"),
    ("fr", "temps consacré", "Time Spent"),
    ("fr", "mise à jour", "Updated"),
    ("fr", "observateurs", "Watchers"),
    ("fr", "id des observateurs", "Watchers Id"),
    ("fr", "ratio du travail réel comparé à l'estimation", "Work Ratio"),
    ("fr", "σ estimation originale", "Σ Original Estimate"),
    ("fr", "σ estimation restante", "Σ Remaining Estimate"),
    ("fr", "σ temps consacré", "Σ Time Spent"),
    ("it", "assegnatario", "Assignee"),               // guess
    ("it", "componenti", "Components"),               // guess
    ("it", "creato", "Created"),                      // guess
    ("it", "data di scadenza", "Due date"),           // guess
    ("it", "versioni correzione", "Fix versions"),    // guess
    ("it", "tipo di ticket", "Issue Type"),           // guess
    ("it", "chiave ticket", "Issue key"),             // guess
    ("it", "etichette", "Labels"),                    // guess
    ("it", "risolto", "Resolved"),                    // guess
    ("it", "riepilogo", "Summary"),                   // guess
    ("it", "aggiornato", "Updated"),                  // guess
    ("ja", "影響バージョン", "Affects versions"),     // guess
    ("ja", "担当者", "Assignee"),                     // guess
    ("ja", "コメント", "Comment"),                    // guess
    ("ja", "コンポーネント", "Components"),           // guess
    ("ja", "作成日", "Created"),                      // guess
    ("ja", "期限", "Due date"),                       // guess
    ("ja", "修正バージョン", "Fix versions"),         // guess
    ("ja", "課題タイプ", "Issue Type"),               // guess
    ("ja", "課題キー", "Issue key"),                  // guess
    ("ja", "ラベル", "Labels"),                       // guess
    ("ja", "解決日", "Resolved"),                     // guess
    ("ja", "ステータス カテゴリ", "Status Category"), // guess
    ("ja", "ステータス カテゴリが変更されました", "Status Category Changed"), // guess
    ("ja", "要約", "Summary"),                        // guess
    ("ja", "更新日", "Updated"),                      // guess
    ("pl", "osoba przypisana", "Assignee"),
    ("pl", "id osoby przypisanej", "Assignee Id"),
    ("pl", "załącznik", "Attachment"),
    ("pl", "utworzono", "Created"),
    ("pl", "twórca", "Creator"),
    ("pl", "id twórcy", "Creator Id"),
    ("pl", "opis", "Description"),
    ("pl", "termin", "Due date"),
    ("pl", "środowisko", "Environment"),
    ("pl", "typ zgłoszenia", "Issue Type"),
    ("pl", "id. zgłoszenia", "Issue id"),
    ("pl", "klucz zgłoszenia", "Issue key"),
    ("pl", "ostatnio wyświetlane", "Last Viewed"),
    ("pl", "pierwotne oszacowanie", "Original estimate"),
    ("pl", "priorytet", "Priority"),
    ("pl", "opis projektu", "Project description"),
    ("pl", "klucz projektu", "Project key"),
    ("pl", "lider projektu", "Project lead"),
    ("pl", "id lidera projektu", "Project lead id"),
    ("pl", "nazwa projektu", "Project name"),
    ("pl", "typ projektu", "Project type"),
    ("pl", "pozostały koszt", "Remaining Estimate"),
    ("pl", "osoba zgłaszająca", "Reporter"),
    ("pl", "id osoby zgłaszającej", "Reporter Id"),
    ("pl", "rozwiązanie", "Resolution"),
    ("pl", "rozwiązane", "Resolved"),
    ("pl", "poziom zabezpieczeń", "Security Level"),
    ("pl", "kategoria statusu", "Status Category"),
    ("pl", "podsumowanie", "Summary"),
    ("pl", "czas poświęcony", "Time Spent"),
    ("pl", "zaktualizowano", "Updated"),
    ("pl", "głosy", "Votes"),
    ("pl", "obserwujący", "Watchers"),
    ("pl", "id obserwujących", "Watchers Id"),
    ("pl", "stosunek pracy", "Work Ratio"),
    ("pl", "σ pierwotne oszacowanie", "Σ Original Estimate"),
    ("pl", "σ pozostały koszt", "Σ Remaining Estimate"),
    ("pl", "σ czas poświęcony", "Σ Time Spent"),
    ("pt-BR", "versões afetadas", "Affects versions"), // guess
    ("pt-BR", "responsável", "Assignee"),
    ("pt-BR", "id do responsável", "Assignee Id"),
    ("pt-BR", "anexo", "Attachment"),   // guess
    ("pt-BR", "comentário", "Comment"), // guess
    ("pt-BR", "componentes", "Components"),
    ("pt-BR", "criado", "Created"),
    ("pt-BR", "criador", "Creator"),
    ("pt-BR", "id do criador", "Creator Id"),
    ("pt-BR", "descrição", "Description"),
    ("pt-BR", "data limite", "Due date"),
    ("pt-BR", "ambiente", "Environment"),
    ("pt-BR", "versões corrigidas", "Fix versions"),
    ("pt-BR", "tipo de item", "Issue Type"),
    ("pt-BR", "id da item", "Issue id"),
    ("pt-BR", "chave da item", "Issue key"),
    ("pt-BR", "rótulos", "Labels"), // guess
    ("pt-BR", "última visualização", "Last Viewed"),
    ("pt-BR", "estimativa original", "Original estimate"),
    ("pt-BR", "pai", "Parent"),           // guess
    ("pt-BR", "chave pai", "Parent key"), // guess
    ("pt-BR", "prioridade", "Priority"),
    ("pt-BR", "descrição do projeto", "Project description"),
    ("pt-BR", "chave do projeto", "Project key"),
    ("pt-BR", "líder do projeto", "Project lead"),
    ("pt-BR", "id do líder do projeto", "Project lead id"),
    ("pt-BR", "nome do projeto", "Project name"),
    ("pt-BR", "tipo de projeto", "Project type"),
    ("pt-BR", "estimativa de trabalho restante", "Remaining Estimate"),
    ("pt-BR", "relator", "Reporter"),
    ("pt-BR", "id do relator", "Reporter Id"),
    ("pt-BR", "resolução", "Resolution"),
    ("pt-BR", "resolvido", "Resolved"),
    ("pt-BR", "nível de segurança", "Security Level"),
    ("pt-BR", "categoria do status", "Status Category"),
    ("pt-BR", "categoria do status alterada", "Status Category Changed"),
    ("pt-BR", "resumo", "Summary"),
    ("pt-BR", "tempo gasto", "Time Spent"),
    ("pt-BR", "atualizado(a)", "Updated"),
    ("pt-BR", "seguidores", "Watchers"),
    ("pt-BR", "id dos seguidores", "Watchers Id"),
    ("pt-BR", "razão trabalhada", "Work Ratio"),
    ("pt-BR", "σ da estimativa original", "Σ Original Estimate"),
    ("pt-BR", "σ estimativa de trabalho restante", "Σ Remaining Estimate"),
    ("pt-BR", "σ de tempo gasto", "Σ Time Spent"),
];

/// Localised prefixes of headers whose parenthesised rest is data (a custom field's name,
/// a link type's name): (language, prefix folded, English prefix folded).
const PREFIXES: &[(&str, &str, &str)] = &[
    ("es", "campo personalizado (", "custom field ("),
    ("fr", "champs personnalisés (", "custom field ("),
    ("de", "benutzerdefinierte felder (", "custom field ("),
    ("pl", "pole niestandardowe (", "custom field ("),
    ("it", "campo personalizzato (", "custom field ("), // guess
    ("ja", "カスタム フィールド (", "custom field ("),  // guess
    ("nl", "aangepast veld (", "custom field ("),       // guess
    ("ru", "пользовательское поле (", "custom field ("), // guess
    ("es", "enlace a la incidencia interna (", "inward issue link ("),
    ("es", "enlace de incidencia de entrada (", "inward issue link ("), // guess
    ("es", "enlace de incidencia saliente (", "outward issue link ("),
    ("fr", "lien du ticket entrant (", "inward issue link ("),
    ("fr", "lien de ticket sortant (", "outward issue link ("),
    ("pl", "wewnętrzne łącze zgłoszenia (", "inward issue link ("),
    ("pl", "zewnętrzne łącze do zgłoszenia (", "outward issue link ("),
    ("pt-BR", "link de item interno (", "inward issue link ("),
    ("pt-BR", "link externo de item (", "outward issue link ("),
    ("de", "eingehender vorgangslink (", "inward issue link ("), // guess
    ("de", "ausgehender vorgangslink (", "outward issue link ("), // guess
];

/// The English name of a localised Jira header (given folded), and its language.
pub(crate) fn english(folded: &str) -> Option<(String, &'static str)> {
    if let Some((lang, _, en)) = HEADERS.iter().find(|(_, loc, _)| *loc == folded) {
        return Some((en.to_lowercase(), lang));
    }
    PREFIXES.iter().find_map(|(lang, loc, en)| {
        folded.strip_prefix(loc).map(|rest| (format!("{en}{rest}"), *lang))
    })
}

/// The language most of `headers` are in, when they are a localised Jira export's.
pub(crate) fn language_of(headers: &[String]) -> Option<&'static str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for h in headers {
        if let Some((_, lang)) = english(&super::columns::fold(h)) {
            match counts.iter_mut().find(|(l, _)| *l == lang) {
                Some((_, n)) => *n += 1,
                None => counts.push((lang, 1)),
            }
        }
    }
    let (lang, n) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    (n >= 2).then(|| LANGUAGES.iter().find(|(t, _)| *t == lang).map_or(lang, |(_, name)| *name))
}

/// Status categories, statuses and resolutions in other languages, by the state they
/// mean (folded). English ones are in `status.rs`.
pub(crate) const DONE: &[&str] = &[
    "listo",
    "hecho",
    "finalizada",
    "finalizado",
    "cerrado",
    "cerrada",
    "resuelto",
    "resuelta",
    // Workflow statuses of Spanish teams ("ACABADO" in a real export: 2,317 items).
    "acabado",
    "acabada",
    "terminado",
    "terminada",
    "completado",
    "completada",
    "abgeschlossen",
    "fait",
    "fertig",
    "erledigt",
    "geschlossen",
    "terminé",
    "terminée",
    "terminé(e)",
    "fermé",
    "résolu",
    "concluído",
    "concluido",
    "itens concluídos",
    "fechado",
    "resolvido",
    "completato",
    "chiuso",
    "risolto",
    "gotowe",
    "zamknięte",
    "rozwiązane",
    "gereed",
    "klaar",
    "gesloten",
    "готово",
    "закрыт",
    "решен",
    "完了",
    "解決済み",
];

pub(crate) const IN_PROGRESS: &[&str] = &[
    "en curso",
    "en progreso",
    "en revisión",
    "en pruebas",
    "in arbeit",
    "in bearbeitung",
    "in prüfung",
    "en cours",
    "en revue",
    "revue en cours",
    "en desarrollo",
    "em andamento",
    "em progresso",
    "em revisão",
    "in corso",
    "in revisione",
    "w toku",
    "w trakcie",
    "in uitvoering",
    "in behandeling",
    "в работе",
    "進行中",
    "レビュー中",
];

pub(crate) const TO_DO: &[&str] = &[
    "por hacer",
    "tareas por hacer",
    "abierto",
    "abierta",
    "pendiente",
    "zu erledigen",
    "offen",
    "backlog",
    "à faire",
    "a faire",
    "ouvert",
    "itens pendentes",
    "tarefas pendentes",
    "a fazer",
    "aberto",
    "da completare",
    "da fare",
    "aperto",
    "do zrobienia",
    "otwarte",
    "te doen",
    "open",
    "к выполнению",
    "открыт",
    "未着手",
    "作業前",
    "オープン",
];

pub(crate) const CANCELLED: &[&str] = &[
    "no se hará",
    "no se hara",
    "duplicado",
    "duplicada",
    "no se puede reproducir",
    "rechazado",
    "rechazada",
    "cancelado",
    "cancelada",
    "descartado",
    "abortado",
    "abortada",
    "wird nicht erledigt",
    "duplikat",
    "nicht reproduzierbar",
    "abgelehnt",
    "verworfen",
    "abgebrochen",
    "ne sera pas fait",
    "doublon",
    "impossible à reproduire",
    "rejeté",
    "annulé",
    "abandonné",
    "não será feito",
    "não é possível reproduzir",
    "rejeitado",
    "cancelado(a)",
    "non verrà eseguito",
    "duplicato",
    "impossibile riprodurre",
    "rifiutato",
    "annullato",
    "nie zostanie wykonane",
    "duplikat zgłoszenia",
    "odrzucone",
    "anulowane",
    "wordt niet gedaan",
    "dubbel",
    "afgewezen",
    "не будет выполнено",
    "дубликат",
    "отклонен",
    "対応しない",
    "重複",
    "再現不可",
    "却下",
];

/// "Unresolved" as a localised export may write it in the resolution column.
pub(crate) const UNRESOLVED: &[&str] = &[
    "sin resolver",
    "no resuelta",
    "nicht erledigt",
    "ungelöst",
    "non résolu",
    "não resolvido",
    "irrisolto",
    "nierozwiązane",
    "onopgelost",
    "не решен",
    "未解決",
];

/// Whether `folded` is one of `list`.
pub(crate) fn is(list: &[&str], s: &str) -> bool {
    let t = s.trim();
    if t.is_ascii() {
        return list.iter().any(|x| x.eq_ignore_ascii_case(t));
    }
    let lower = t.to_lowercase();
    list.iter().any(|x| *x == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localised_headers_have_english_names() {
        assert_eq!(english("clave de incidencia"), Some(("issue key".into(), "es")));
        assert_eq!(english("vorgangsschlüssel"), Some(("issue key".into(), "de")));
        assert_eq!(english("clé de ticket"), Some(("issue key".into(), "fr")));
        assert_eq!(
            english("campo personalizado (story point estimate)"),
            Some(("custom field (story point estimate)".into(), "es"))
        );
        assert_eq!(
            english("lien de ticket sortant (blocks)"),
            Some(("outward issue link (blocks)".into(), "fr"))
        );
        assert_eq!(english("issue key"), None);
        let headers: Vec<String> =
            ["Resumen", "Clave de incidencia", "Estado", "Sprint"].map(String::from).to_vec();
        assert_eq!(language_of(&headers), Some("Spanish"));
    }

    /// No localised header is also the English name of another column.
    #[test]
    fn no_header_means_two_things() {
        for (_, loc, en) in HEADERS {
            assert_eq!(loc.to_lowercase(), *loc, "{loc} is folded");
            let other = HEADERS.iter().find(|(_, _, e)| e.to_lowercase() == *loc && e != en);
            assert!(other.is_none(), "{loc} is also {other:?}");
        }
    }
}

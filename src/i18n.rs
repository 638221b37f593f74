//! English and Simplified Chinese texts of the interface. One table, so a
//! missing translation is visible at a glance and caught by a test.

use actix_web::HttpRequest;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::auth::LANG_COOKIE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    pub fn parse(value: &str) -> Option<Lang> {
        match value.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "zh-cn" | "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let lang = if tag == "en" || tag.starts_with("en-") {
                    Lang::En
                } else if tag == "zh" || tag.starts_with("zh-") {
                    Lang::ZhCn
                } else {
                    return None;
                };
                Some((quality, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang)
    }

    /// The remembered choice (cookie), then the account's language, then the
    /// browser's preference, then English.
    pub fn for_request(req: &HttpRequest, account_language: Option<&str>) -> Lang {
        req.cookie(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .or_else(|| account_language.and_then(Lang::parse))
            .or_else(|| {
                req.headers()
                    .get(actix_web::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    pub fn t(self, key: &str) -> &'static str {
        translate(self, key)
    }
}

/// (key, English, Simplified Chinese)
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "Supplier ESG", "供应商 ESG"),
    (
        "app.tagline",
        "ESG risk management for production suppliers",
        "生产供应商 ESG 风险管理",
    ),
    // Navigation
    ("nav.home", "Home", "首页"),
    ("nav.suppliers", "Suppliers", "供应商"),
    ("nav.onboarding", "Onboarding", "准入审核"),
    ("nav.risk", "Risk", "风险分级"),
    ("nav.audits", "Audits", "审核"),
    ("nav.actions", "Corrective actions", "整改行动"),
    ("nav.smelters", "Smelters", "冶炼厂"),
    ("nav.esg", "ESG data", "ESG 数据"),
    ("nav.reports", "Reports", "报告"),
    ("nav.import", "Import", "导入"),
    ("nav.users", "Users", "用户"),
    ("nav.settings", "Settings", "设置"),
    ("nav.soon", "coming soon", "即将推出"),
    ("nav.signout", "Sign out", "退出登录"),
    ("nav.language", "Language", "语言"),
    ("nav.menu", "Main navigation", "主导航"),
    // Roles
    ("role.admin", "Admin", "管理员"),
    ("role.procurement", "Procurement", "采购"),
    ("role.auditor", "Auditor", "审核员"),
    ("role.supplier", "Supplier", "供应商"),
    ("role.viewer", "Viewer", "只读"),
    // Sign-in
    ("login.title", "Sign in", "登录"),
    ("login.email", "E-mail", "电子邮箱"),
    ("login.password", "Password", "密码"),
    ("login.submit", "Sign in", "登录"),
    (
        "login.failed",
        "E-mail or password is not correct.",
        "电子邮箱或密码不正确。",
    ),
    (
        "login.throttled",
        "Too many failed sign-in attempts. Please wait and try again in",
        "登录失败次数过多，请稍候再试，剩余等待时间",
    ),
    ("login.minutes", "minutes.", "分钟。"),
    (
        "login.expired",
        "Your session has expired. Please sign in again.",
        "会话已过期，请重新登录。",
    ),
    ("login.signed_out", "You have signed out.", "您已退出登录。"),
    // Home
    ("home.title", "Home", "首页"),
    ("home.welcome", "Welcome", "欢迎"),
    ("home.signed_in_as", "Signed in as", "当前身份"),
    ("home.areas", "Work areas", "工作区"),
    (
        "home.area.suppliers",
        "Registry of production suppliers, onboarding red-line gate.",
        "生产供应商名录与准入红线审核。",
    ),
    (
        "home.area.risk",
        "Yearly ESG risk survey and tiering.",
        "年度 ESG 风险调查与分级。",
    ),
    (
        "home.area.audits",
        "Annual audit plan, third-party audits and findings.",
        "年度审核计划、第三方审核与发现项。",
    ),
    (
        "home.area.actions",
        "Corrective actions on the four-month clock.",
        "四个月期限内的整改行动。",
    ),
    (
        "home.area.smelters",
        "3TG and cobalt smelters, RMAP status, CMRT/EMRT files.",
        "3TG 与钴冶炼厂、RMAP 状态、CMRT/EMRT 文件。",
    ),
    (
        "home.area.esg",
        "Climate targets, emissions, training and improvement programmes.",
        "气候目标、排放、培训与改善项目。",
    ),
    (
        "home.area.reports",
        "The year's figures for the ESG report.",
        "ESG 报告的年度数据。",
    ),
    (
        "home.area.users",
        "Accounts, roles and access.",
        "账户、角色与权限。",
    ),
    ("home.users_total", "Users", "用户数"),
    ("home.open", "Open", "打开"),
    ("soon.title", "Not available yet", "尚未开放"),
    (
        "soon.body",
        "This area is being built and will appear here in a coming release.",
        "此功能正在建设中，将在后续版本中提供。",
    ),
    // Users admin
    ("users.title", "Users", "用户"),
    ("users.new", "Add user", "添加用户"),
    ("users.email", "E-mail", "电子邮箱"),
    ("users.name", "Name", "姓名"),
    ("users.role", "Role", "角色"),
    ("users.language", "Language", "语言"),
    ("users.status", "Status", "状态"),
    ("users.active", "Active", "启用"),
    ("users.inactive", "Deactivated", "已停用"),
    ("users.created", "Created", "创建时间"),
    ("users.password", "Initial password", "初始密码"),
    (
        "users.password_hint",
        "At least 12 characters. Leave empty to generate one.",
        "至少 12 个字符。留空则自动生成。",
    ),
    ("users.search", "Search e-mail or name", "搜索邮箱或姓名"),
    ("users.deactivate", "Deactivate", "停用"),
    ("users.activate", "Reactivate", "重新启用"),
    ("users.reset_password", "Reset password", "重置密码"),
    (
        "users.new_password_is",
        "New password (shown once, pass it on securely):",
        "新密码（仅显示一次，请安全转交）：",
    ),
    (
        "users.created_password_is",
        "User created. Initial password (shown once):",
        "用户已创建。初始密码（仅显示一次）：",
    ),
    ("users.none", "No users match.", "没有匹配的用户。"),
    ("users.save", "Create user", "创建用户"),
    ("users.history", "History", "变更记录"),
    (
        "users.self_deactivate",
        "You cannot deactivate your own account.",
        "不能停用自己的账户。",
    ),
    // Settings
    ("settings.title", "Settings", "设置"),
    (
        "settings.upload_limit",
        "Upload size limit (MB)",
        "上传文件大小上限（MB）",
    ),
    ("settings.save", "Save settings", "保存设置"),
    ("settings.saved", "Settings saved.", "设置已保存。"),
    // Common
    ("common.search", "Search", "搜索"),
    ("common.filter", "Filter", "筛选"),
    ("common.actions", "Actions", "操作"),
    ("common.back", "Back", "返回"),
    ("common.cancel", "Cancel", "取消"),
    ("common.previous", "Previous", "上一页"),
    ("common.next", "Next", "下一页"),
    ("common.page", "Page", "第"),
    ("common.of", "of", "页，共"),
    ("common.total", "total", "条"),
    ("common.when", "When", "时间"),
    ("common.who", "Who", "操作人"),
    ("common.what", "What", "内容"),
    ("common.yes", "Yes", "是"),
    ("common.no", "No", "否"),
    ("common.none", "None", "无"),
    // Form validation
    ("field.required", "This field is required.", "此项为必填。"),
    (
        "field.email",
        "Enter a valid e-mail address.",
        "请输入有效的电子邮箱地址。",
    ),
    (
        "field.email_taken",
        "A user with this e-mail already exists.",
        "该电子邮箱已被使用。",
    ),
    (
        "field.role",
        "Choose one of the listed roles.",
        "请选择列表中的角色。",
    ),
    (
        "field.language",
        "Choose English or Simplified Chinese.",
        "请选择英文或简体中文。",
    ),
    ("field.too_long", "This value is too long.", "内容过长。"),
    ("field.number", "Enter a whole number.", "请输入整数。"),
    (
        "field.range",
        "The value is out of the allowed range.",
        "数值超出允许范围。",
    ),
    (
        "password.too_short",
        "The password must have at least 12 characters.",
        "密码至少需要 12 个字符。",
    ),
    (
        "password.blank",
        "The password must not be blank.",
        "密码不能为空白。",
    ),
    // Errors
    (
        "error.forbidden",
        "You do not have access to this page.",
        "您无权访问此页面。",
    ),
    (
        "error.csrf_rejected",
        "The form has expired or was sent from another site. Reload the page and try again.",
        "表单已过期或来自其他网站。请刷新页面后重试。",
    ),
    (
        "error.not_found",
        "This page does not exist, or you do not have access to it.",
        "页面不存在，或您无权访问。",
    ),
    (
        "error.conflict",
        "Someone else changed this record while you were editing it.",
        "在您编辑期间，其他人修改了此记录。",
    ),
    (
        "error.payload_too_large",
        "The upload is larger than the allowed limit.",
        "上传文件超过允许的大小。",
    ),
    (
        "error.bad_request",
        "The request could not be understood.",
        "无法处理该请求。",
    ),
    (
        "error.validation_failed",
        "Some fields are not valid.",
        "部分字段无效。",
    ),
    (
        "error.too_many_requests",
        "Too many attempts. Please wait and try again.",
        "尝试次数过多，请稍后再试。",
    ),
    (
        "error.internal",
        "Something went wrong on our side. The problem has been logged.",
        "系统出现错误，问题已记录。",
    ),
    ("error.unauthorized", "Please sign in.", "请先登录。"),
    ("error.home", "Back to the home page", "返回首页"),
    ("error.detail", "Details", "详情"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        MESSAGES
            .iter()
            .map(|(k, en, zh)| (*k, (*en, *zh)))
            .collect()
    })
}

/// The text of `key` in `lang`; an unknown key is returned as is so the gap is
/// visible on the page (and the template test fails).
pub fn translate(lang: Lang, key: &str) -> &'static str {
    match table().get(key) {
        Some((en, zh)) => match lang {
            Lang::En => en,
            Lang::ZhCn => zh,
        },
        None => {
            tracing::warn!(key, "missing translation");
            "?"
        }
    }
}

pub fn has_key(key: &str) -> bool {
    table().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::ZhCn)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, en-GB;q=0.7, zh;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (key, en, zh) in MESSAGES {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!en.is_empty() && !zh.is_empty(), "empty text for {key}");
        }
    }

    /// Every `.t("…")` in a template names a key of the table.
    #[test]
    fn every_template_key_exists() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(".t(\"").skip(1) {
                    let key = piece.split('"').next().unwrap();
                    if !has_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }
}

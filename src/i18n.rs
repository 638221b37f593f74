//! English and Simplified Chinese texts of the interface. One table, so a
//! missing translation is visible at a glance and caught by a test.

use actix_web::HttpRequest;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
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
    // Suppliers
    ("supplier.new", "New supplier", "新建供应商"),
    ("supplier.search", "Code, name, Chinese name or USCC", "代码、名称、中文名或统一社会信用代码"),
    ("supplier.none", "No suppliers match these filters.", "没有符合筛选条件的供应商。"),
    ("supplier.code", "Code", "代码"),
    ("supplier.name", "Legal name", "法定名称"),
    ("supplier.name_local", "Chinese name", "中文名称"),
    ("supplier.uscc", "USCC", "统一社会信用代码"),
    ("supplier.uscc_hint", "18 characters; required for mainland China.", "18 位；中国大陆供应商必填。"),
    ("supplier.country", "Country", "国家/地区"),
    ("supplier.country_hint", "ISO code, e.g. CN, HK, TW, VN", "ISO 代码，如 CN、HK、TW、VN"),
    ("supplier.region", "Region", "区域"),
    ("supplier.business_unit", "Business unit", "业务部门"),
    ("supplier.category", "Category", "品类"),
    ("supplier.tier", "Tier", "层级"),
    ("supplier.tier1", "Tier 1 (direct)", "一级（直接）"),
    ("supplier.tier2", "Tier 2 (key sub-supplier)", "二级（关键次级供应商）"),
    ("supplier.parent_code", "Supplies tier-1 supplier (code)", "所供货的一级供应商（代码）"),
    ("supplier.parent_hint", "Only for tier 2.", "仅二级供应商填写。"),
    ("supplier.supplies", "supplies", "供货给"),
    ("supplier.production", "Production supplier", "生产性供应商"),
    ("supplier.status", "Status", "状态"),
    ("supplier.status_hint", "Approval comes only from an onboarding review.", "只能通过准入审核批准。"),
    ("supplier.approved_on", "Approved on", "批准日期"),
    ("supplier.exited_on", "Exited on", "退出日期"),
    ("supplier.csr_signed_on", "CSR agreement signed", "CSR 协议签署日期"),
    ("supplier.contact", "Contact", "联系人"),
    ("supplier.contact_name", "Contact name", "联系人姓名"),
    ("supplier.contact_email", "Contact e-mail", "联系人邮箱"),
    ("supplier.buyer_email", "Responsible buyer", "负责采购"),
    ("supplier.change_status", "Change status", "变更状态"),
    ("supplier.tier2_suppliers", "Tier-2 suppliers supplying this supplier", "向其供货的二级供应商"),
    ("supplier.timeline", "Timeline", "变更记录"),
    ("status.prospective", "Prospective", "潜在"),
    ("status.under_review", "Under review", "审核中"),
    ("status.approved", "Approved", "已批准"),
    ("status.rejected", "Rejected", "已拒绝"),
    ("status.suspended", "Suspended", "已暂停"),
    ("status.exited", "Exited", "已退出"),
    ("region.mainland_china", "Mainland China", "中国大陆"),
    ("region.international", "International", "国际（含港澳台）"),
    // Onboarding reviews
    ("review.title", "Onboarding reviews", "准入审核"),
    ("review.new", "Record onboarding review", "录入准入审核"),
    ("review.none", "No onboarding review yet.", "尚无准入审核。"),
    ("review.rule", "Approval needs evidence (RBA VAP report or an on-site ESG audit we commissioned), a signed CSR agreement and all nine red lines passed. Any failed red line rejects the supplier; it may re-apply after remediation.", "批准须具备证据（RBA VAP 报告或我方委托的第三方现场 ESG 审核）、已签署的 CSR 协议，且九条红线全部通过。任何一条红线不通过即拒绝；整改后可重新申请。"),
    ("review.refused", "The review was not recorded.", "审核未保存。"),
    ("review.decided_on", "Decision date", "决定日期"),
    ("review.evidence", "Evidence", "证据"),
    ("review.evidence_type", "Evidence type", "证据类型"),
    ("review.evidence_firm", "Audit firm", "审核机构"),
    ("review.evidence_date", "Report date", "报告日期"),
    ("review.evidence_file", "Report file", "报告文件"),
    ("review.file_hint", "PDF, image, XLSX/DOCX or ZIP.", "PDF、图片、XLSX/DOCX 或 ZIP。"),
    ("review.red_lines", "Red lines", "红线"),
    ("review.note", "Note", "备注"),
    ("review.submit", "Record decision", "提交决定"),
    ("review.gap.evidence", "Choose the evidence: an RBA VAP report or an on-site audit.", "请选择证据：RBA VAP 报告或现场审核。"),
    ("review.gap.csr", "The CSR agreement must be signed before approval.", "批准前须签署 CSR 协议。"),
    ("review.gap.not_assessed", "Every red line must be assessed before approval.", "批准前每条红线都必须评估。"),
    ("review.not_open", "This supplier's status does not allow an onboarding decision.", "该供应商当前状态不允许做出准入决定。"),
    ("review.unknown_red_line", "Unknown red line.", "未知红线。"),
    ("review.assessment", "Choose pass, fail or not assessed.", "请选择通过、不通过或未评估。"),
    ("review.decision_mismatch", "The decision does not follow from the red lines and evidence.", "该决定与红线和证据不符。"),
    ("red_line.child_labour", "Child labour / minor-worker protection", "童工 / 未成年工保护"),
    ("red_line.forced_labour", "Forced labour and violence", "强迫劳动与暴力"),
    ("red_line.discrimination", "Unlawful discrimination", "非法歧视"),
    ("red_line.falsified_hours", "Genuine working-hour records", "工时记录真实"),
    ("red_line.minimum_wage", "Wages at or above local minimum", "工资不低于当地最低标准"),
    ("red_line.health_safety", "Worker health and safety", "员工健康与安全"),
    ("red_line.fire_safety", "Fire risk", "消防风险"),
    ("red_line.toxic_discharge", "Illegal discharge of toxic or hazardous waste", "非法排放有毒有害废物"),
    ("red_line.bribery", "Commercial bribery", "商业贿赂"),
    ("assessment.pass", "Pass", "通过"),
    ("assessment.fail", "Fail", "不通过"),
    ("assessment.not_assessed", "Not assessed", "未评估"),
    ("evidence.rba_vap", "RBA VAP audit report", "RBA VAP 审核报告"),
    ("evidence.onsite_audit", "On-site ESG audit we commissioned", "我方委托的第三方现场 ESG 审核"),
    // Timeline actions
    ("action.create", "Created", "创建"),
    ("action.import", "Imported", "导入"),
    ("action.update", "Edited", "编辑"),
    ("action.import_update", "Updated by import", "导入更新"),
    ("action.status", "Status changed", "状态变更"),
    ("action.approve", "Approved by onboarding review", "经准入审核批准"),
    ("action.reject_red_line", "Rejected for red lines", "因红线被拒绝"),
    ("action.onboarding_review", "Onboarding review recorded", "录入准入审核"),
    // Risk
    ("risk.none", "No risk assessment.", "暂无风险评估。"),
    ("risk.assessed_on", "Assessed on", "评估日期"),
    ("risk.saq_score", "Self-assessment score", "自评问卷得分"),
    ("risk.score", "Risk score", "风险分"),
    ("risk.tier_label", "Risk tier", "风险等级"),
    ("risk.override", "Override", "人工调整"),
    ("risk.computed", "As computed", "按计算结果"),
    ("risk.reason", "Reason", "原因"),
    ("risk.assess", "Record assessment", "记录评估"),
    ("risk.tier", "Tier must be high, medium or low.", "风险等级须为高、中或低。"),
    ("risk.reason_required", "An override of the computed tier needs a reason.", "调整计算得出的风险等级须填写原因。"),
    ("risk.red_line_forces_high", "An open red-line finding keeps this supplier high risk.", "存在未关闭的红线发现项，该供应商必须为高风险。"),
    ("tier.high", "High", "高"),
    ("tier.medium", "Medium", "中"),
    ("tier.low", "Low", "低"),
    // Audits
    ("audit.mine", "My audits", "我的审核"),
    ("audit.one", "Audit", "审核"),
    ("audit.new", "New audit", "新建审核"),
    ("audit.none", "No audits.", "暂无审核。"),
    ("audit.search", "Reference, supplier code or name", "编号、供应商代码或名称"),
    ("audit.ref", "Reference", "编号"),
    ("audit.kind", "Kind", "类型"),
    ("audit.kind.onboarding", "Onboarding", "准入审核"),
    ("audit.kind.annual", "Annual", "年度审核"),
    ("audit.kind.follow_up", "Follow-up", "跟进审核"),
    ("audit.kind.rba_vap", "RBA VAP", "RBA VAP"),
    ("audit.firm", "Audit firm", "审核机构"),
    ("audit.auditor", "Auditor", "审核员"),
    ("audit.planned_on", "Planned", "计划日期"),
    ("audit.performed_on", "Performed", "实施日期"),
    ("audit.score", "Score", "得分"),
    ("audit.grade", "Grade", "评级"),
    ("audit.report_file", "Report file", "审核报告"),
    ("audit.supplier_profile", "Supplier", "供应商概况"),
    ("audit.assign", "Firm and auditor", "审核机构与审核员"),
    ("audit.calendar", "Calendar", "日历"),
    ("audit.status.planned", "Planned", "已计划"),
    ("audit.status.in_progress", "In progress", "进行中"),
    ("audit.status.reported", "Reported", "已提交报告"),
    ("audit.status.closed", "Closed", "已关闭"),
    ("audit.step.in_progress", "Start audit", "开始审核"),
    ("audit.step.reported", "Submit report", "提交报告"),
    ("audit.step.closed", "Close audit", "关闭审核"),
    ("audit.kind_invalid", "Unknown audit kind.", "未知审核类型。"),
    ("audit.status", "Unknown audit status.", "未知审核状态。"),
    ("audit.grade_invalid", "Unknown grade.", "未知评级。"),
    ("audit.performed_required", "A reported audit needs the date it was performed.", "提交报告须填写实施日期。"),
    ("audit.score_required", "A reported audit needs its score (0–100).", "提交报告须填写得分（0–100）。"),
    ("audit.dates_order", "The audit cannot be performed before it was planned.", "实施日期不能早于计划日期。"),
    ("audit.not_auditor", "This user is not an active auditor.", "该用户不是有效的审核员。"),
    ("audit.unknown_auditor", "No user has this e-mail.", "没有使用该邮箱的用户。"),
    ("audit.closed", "This audit is closed.", "该审核已关闭。"),
    ("audit.ref_taken", "An audit with this reference already exists.", "该审核编号已存在。"),
    ("grade.excellent", "Excellent", "优秀"),
    ("grade.medium", "Medium", "中等"),
    ("grade.poor", "Poor", "较差"),
    ("field.score", "Enter a whole number from 0 to 100.", "请输入 0 到 100 的整数。"),
    ("field.year", "Enter a valid year.", "请输入有效年份。"),
    ("day.mon", "Mon", "一"),
    ("day.tue", "Tue", "二"),
    ("day.wed", "Wed", "三"),
    ("day.thu", "Thu", "四"),
    ("day.fri", "Fri", "五"),
    ("day.sat", "Sat", "六"),
    ("day.sun", "Sun", "日"),
    // The annual plan
    ("audit_plan.title", "Annual audit plan", "年度审核计划"),
    ("audit_plan.help", "Suppliers in scope are approved production suppliers, tier-2 pilot suppliers included. High and medium risk come first (they need an on-site audit), then by risk score, never audited or longest since the last audit, poor last grade. Untick to remove; add codes to include others.", "范围为已批准的生产性供应商（含二级试点供应商）。高、中风险优先（须现场审核），其次按风险分、从未审核或距上次审核最久、上次评级较差排序。取消勾选可移除；填写代码可追加。"),
    ("plan.capacity", "Capacity", "审核容量"),
    ("plan.propose", "Propose", "生成建议"),
    ("plan.in_scope", "suppliers in scope picked", "家范围内供应商入选"),
    ("plan.why", "Why", "入选原因"),
    ("plan.add", "Add suppliers (codes)", "追加供应商（代码）"),
    ("plan.confirm", "Create planned audits", "创建计划审核"),
    ("plan.capacity_invalid", "Capacity must be a whole number of at least 1.", "审核容量须为不小于 1 的整数。"),
    ("plan.reason.tier", "Risk tier", "风险等级"),
    ("plan.reason.score", "Risk score", "风险分"),
    ("plan.reason.never_audited", "Never audited", "从未审核"),
    ("plan.reason.last_audit", "Last audited", "上次审核"),
    ("plan.reason.poor_grade", "Poor last grade", "上次评级较差"),
    ("plan.reason.tier2", "Tier-2 pilot", "二级试点"),
    ("plan.reason.added", "Added by hand", "人工追加"),
    ("action.plan", "Planned", "列入计划"),
    ("action.assign", "Assigned", "分配"),
    ("action.in_progress", "Started", "开始"),
    ("action.reported", "Report submitted", "提交报告"),
    ("action.closed", "Closed", "关闭"),
    ("action.risk_assessment", "Risk assessed", "风险评估"),
    ("action.risk_override", "Risk tier overridden", "风险等级人工调整"),
    ("common.year", "Year", "年份"),
    ("common.download", "Download", "下载"),
    ("common.supplier", "Supplier", "供应商"),
    // Findings and corrective actions
    ("finding.title", "Findings", "发现项"),
    ("finding.one", "Finding", "发现项"),
    ("finding.on_time", "on-time completion", "按期完成率"),
    ("finding.none", "No findings.", "暂无发现项。"),
    ("finding.ref", "Reference", "编号"),
    ("finding.clause", "RBA clause", "RBA 条款"),
    ("finding.severity", "Severity", "严重程度"),
    ("finding.description", "Description", "描述"),
    ("finding.add", "Add finding", "添加发现项"),
    ("finding.red_line", "Red line", "红线"),
    ("finding.found_on", "Found on", "发现日期"),
    ("finding.needs_action", "Open a corrective action for this observation", "为此观察项建立整改行动"),
    ("finding.upload", "Upload CSV/XLSX", "上传 CSV/XLSX"),
    ("finding.unknown_audit", "No audit has this reference.", "没有该编号的审核。"),
    ("finding.clause_invalid", "Choose a clause of the RBA Code (A1–A7, B1–B8, C1–C8, D1–D8, E1–E12).", "请选择 RBA 准则条款（A1–A7、B1–B8、C1–C8、D1–D8、E1–E12）。"),
    ("finding.severity_invalid", "Severity must be priority, major, minor or observation.", "严重程度须为优先、主要、次要或观察。"),
    ("finding.closed_before_found", "An action cannot be closed before the finding was found.", "整改关闭日期不能早于发现日期。"),
    ("finding.before_audit", "A finding cannot predate its audit.", "发现日期不能早于审核日期。"),
    ("finding.ref_taken", "A finding with this reference already exists.", "该发现项编号已存在。"),
    ("finding.locked", "The audit report is submitted: its findings are locked.", "审核报告已提交，发现项已锁定。"),
    ("severity.priority", "Priority", "优先"),
    ("severity.major", "Major", "主要"),
    ("severity.minor", "Minor", "次要"),
    ("severity.observation", "Observation", "观察"),
    ("action.one", "Corrective action", "整改行动"),
    ("action.none", "No corrective actions match.", "没有符合条件的整改行动。"),
    ("action.search", "Finding, supplier or description", "发现项、供应商或描述"),
    ("action.overdue", "Overdue", "已逾期"),
    ("action.due_on", "Due", "截止日期"),
    ("action.originally", "originally", "原定"),
    ("action.root_cause", "Root cause", "根本原因"),
    ("action.planned_actions", "Planned actions", "整改计划"),
    ("action.owner", "Owner", "负责人"),
    ("action.percent", "Done (%)", "完成度（%）"),
    ("action.closed_on", "Closed on", "关闭日期"),
    ("action.verification_note", "Verification", "验证说明"),
    ("action.evidence_hint", "What was checked; attach the evidence.", "说明验证内容，并附上证据。"),
    ("action.reject_reason", "Why it is sent back", "退回原因"),
    ("action.new_due", "New due date", "新截止日期"),
    ("action.extend", "Extend due date", "延长截止日期"),
    ("action.progress", "Weekly progress", "每周进展"),
    ("action.no_progress", "No progress entry yet.", "尚无进展记录。"),
    ("action.file", "File", "文件"),
    ("action.tab.all", "All", "全部"),
    ("action.tab.overdue", "Overdue", "已逾期"),
    ("action.tab.due_soon", "Due in 14 days", "14 天内到期"),
    ("action.tab.stale", "No progress for 7 days", "7 天无进展"),
    ("action.status.open", "Open", "待处理"),
    ("action.status.plan_submitted", "Plan submitted", "已提交计划"),
    ("action.status.in_progress", "In progress", "整改中"),
    ("action.status.pending_verification", "Pending verification", "待验证"),
    ("action.status.closed", "Closed", "已关闭"),
    ("action.step.plan", "Submit root cause and plan", "提交根本原因与计划"),
    ("action.step.progress", "Log progress", "记录进展"),
    ("action.step.request_verification", "Ask for verification", "申请验证"),
    ("action.step.verify", "Verify and close", "验证并关闭"),
    ("action.step.reject", "Send back", "退回"),
    ("action.event.plan", "Plan submitted", "提交计划"),
    ("action.event.progress", "Progress logged", "记录进展"),
    ("action.event.request_verification", "Verification requested", "申请验证"),
    ("action.event.verify", "Verified and closed", "验证关闭"),
    ("action.event.reject", "Sent back", "退回"),
    ("action.event.extend", "Due date extended", "延长截止日期"),
    ("action.status_invalid", "Unknown action status.", "未知整改状态。"),
    ("action.step_not_allowed", "This step is not possible in the action's current status.", "整改行动当前状态不允许此操作。"),
    ("action.before_finding", "The date is before the finding.", "日期早于发现日期。"),
    ("action.percent_range", "Enter a percentage from 0 to 100.", "请输入 0 到 100 的百分比。"),
    ("action.percent_backwards", "Progress may only go down with a note saying why.", "完成度下降时须填写原因。"),
    ("action.evidence_required", "Closing needs evidence: describe what was checked or attach a file.", "关闭须提供证据：说明验证内容或附上文件。"),
    ("action.reason_required", "A reason is required.", "须填写原因。"),
    ("action.extension_earlier", "The new due date must be later than the current one.", "新截止日期须晚于当前截止日期。"),
    ("action.extension_too_far", "The new due date is more than a year away.", "新截止日期超过一年。"),
    ("action.finding", "Finding recorded", "记录发现项"),
    ("common.date", "Date", "日期"),
    ("import.kind.findings", "Findings", "发现项"),
    ("scorecard.latest_grade", "Latest audit grade", "最近审核评级"),
    ("scorecard.open_actions", "Open corrective actions", "未关闭整改行动"),
    ("scorecard.overdue_actions", "Overdue actions", "逾期整改行动"),
    ("home.queue", "Your queue", "我的待办"),
    ("home.queue_empty", "Nothing overdue or due in the next 14 days.", "没有逾期或 14 天内到期的事项。"),
    ("home.overdue", "Overdue", "已逾期"),
    ("home.due_soon", "Due in 14 days", "14 天内到期"),
    ("home.my_open_audits", "Open audits assigned to you", "分配给您的未完成审核"),
    // Dashboard and report
    ("dash.title", "The year's figures", "年度数据"),
    ("dash.by_region", "Production suppliers by region", "按区域划分的生产性供应商"),
    ("dash.risk_tiers", "Risk tiers", "风险等级"),
    ("dash.audited", "Suppliers audited", "受审核供应商"),
    ("dash.performance", "Audit performance", "审核表现"),
    ("dash.remediation", "On-time remediation", "按期整改"),
    ("report.title", "ESG report: supply chain", "ESG 报告：供应链"),
    ("report.suppliers", "Production suppliers", "生产性供应商"),
    ("report.production_total", "Production suppliers", "生产性供应商总数"),
    ("report.onboarding", "Onboarding", "准入"),
    ("report.reviews", "Onboarding reviews", "准入审核"),
    ("report.approved", "Approved", "批准"),
    ("report.rejected_red_line", "Rejected for red lines", "因红线被拒绝"),
    ("report.risk", "Risk tiers", "风险等级"),
    ("report.audits", "Audits", "审核"),
    ("report.audited", "Suppliers audited", "受审核供应商数"),
    ("report.previous_year", "Suppliers audited the year before", "上一年受审核供应商数"),
    ("report.tier2_audited", "Of which tier 2", "其中二级供应商"),
    ("report.performance", "Audit performance (%)", "审核表现（%）"),
    ("report.remediation", "Remediation", "整改"),
    ("report.remediation_suppliers", "Suppliers with corrective actions", "有整改行动的供应商"),
    ("report.above_80", "Completion above 80 % (%)", "按期完成率高于 80% 的比例（%）"),
    ("report.from_60_to_80", "Completion 60–80 % (%)", "按期完成率 60%–80% 的比例（%）"),
    ("report.below_60", "Completion below 60 % (%)", "按期完成率低于 60% 的比例（%）"),
    ("report.open_overdue", "Open overdue actions", "未关闭的逾期整改"),
    ("report.climate", "Climate", "气候"),
    ("report.smelters", "Smelters and refiners (3TG, cobalt)", "冶炼厂和精炼厂（3TG、钴）"),
    ("report.smelters_total", "smelters and refiners", "家冶炼厂和精炼厂"),
    ("report.smelter_countries", "countries", "个国家/地区"),
    ("report.conformant_pct", "RMAP-conformant (%)", "符合 RMAP 标准（%）"),
    ("report.other_metal", "Other metal", "其他金属"),
    ("report.with_target", "Suppliers with a reduction target", "设定减排目标的供应商"),
    ("report.ghg_verified", "GHG emissions verified", "温室气体排放已核查"),
    ("report.ghg_in_progress", "GHG verification in progress", "温室气体核查进行中"),
    ("report.training", "Training", "培训"),
    ("report.trained_suppliers", "Suppliers trained", "参加培训的供应商"),
    ("report.trained_people", "People trained", "参加培训的人数"),
    // Import
    ("import.title", "Import", "导入"),
    ("import.kind", "What to import", "导入内容"),
    ("import.kind.suppliers", "Suppliers", "供应商"),
    ("import.kind.onboarding", "Onboarding reviews", "准入审核"),
    ("import.kind.risk", "Risk assessments", "风险评估"),
    ("import.kind.audits", "Audits", "审核"),
    ("import.file", "CSV or XLSX file", "CSV 或 XLSX 文件"),
    ("import.help", "The whole file is checked first: if any row is wrong, nothing is written and you get the list of problems. Importing the same file again changes nothing.", "系统先检查整个文件：任何一行有误则不写入任何数据，并列出问题。重复导入同一文件不会产生变化。"),
    ("import.preview", "Check file", "检查文件"),
    ("import.commit", "Import now", "立即导入"),
    ("import.problems", "Problems found — nothing was written", "发现问题——未写入任何数据"),
    ("import.row", "Row", "行"),
    ("import.column", "Column", "列"),
    ("import.value", "Value", "值"),
    ("import.reason", "Reason", "原因"),
    ("import.ready", "The file is valid.", "文件有效。"),
    ("import.done", "Import finished.", "导入完成。"),
    ("import.rows", "Rows", "行数"),
    ("import.created", "New", "新增"),
    ("import.updated", "Changed", "更新"),
    ("import.unchanged", "Unchanged", "未变"),
    ("import.columns", "Columns", "列"),
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
    ("common.all", "all", "全部"),
    ("common.edit", "Edit", "编辑"),
    ("common.save", "Save", "保存"),
    ("common.export_csv", "Export CSV", "导出 CSV"),
    ("common.export_xlsx", "Export XLSX", "导出 XLSX"),
    // ESG data, climate, requests, training, improvement programmes
    ("common.remove", "Remove", "移除"),
    ("esg.title", "ESG data", "ESG 数据"),
    ("esg.tab.data", "Data by supplier", "供应商数据"),
    ("esg.tab.climate", "Climate", "气候"),
    ("esg.tab.requests", "Data requests", "数据征集"),
    ("esg.tab.trainings", "Training", "培训"),
    ("esg.new", "Enter ESG data", "填报 ESG 数据"),
    ("esg.none", "No ESG data matches these filters.", "没有符合筛选条件的 ESG 数据。"),
    ("esg.supplier", "Supplier", "供应商"),
    ("esg.supplier_code", "Supplier code", "供应商代码"),
    ("esg.year", "Year", "年度"),
    ("esg.year_hint", "The reporting year; not a future year.", "报告年度，不能是未来年份。"),
    ("esg.scope1_t", "Scope 1 (tCO2e)", "范围一排放（tCO2e）"),
    ("esg.scope2_t", "Scope 2 (tCO2e)", "范围二排放（tCO2e）"),
    ("esg.scope12_t", "Scope 1 + 2 (tCO2e)", "范围一 + 二排放（tCO2e）"),
    ("esg.renewable_mwh", "Renewable electricity (MWh)", "可再生电力（MWh）"),
    ("esg.wastewater_t", "Wastewater (t)", "废水（吨）"),
    ("esg.exhaust_t", "Exhaust gas (t)", "废气（吨）"),
    ("esg.hazardous_waste_t", "Hazardous waste (t)", "危险废物（吨）"),
    ("esg.revenue_mcny", "Revenue (million CNY)", "营业收入（百万元）"),
    ("esg.intensity", "Intensity (tCO2e / million CNY)", "排放强度（tCO2e / 百万元）"),
    ("esg.target", "Reduction target", "减排目标"),
    ("esg.has_target", "Reduction target set", "已设定减排目标"),
    ("esg.target_year", "Target year", "目标年份"),
    ("esg.target_text", "Target", "目标内容"),
    ("esg.target_text_hint", "E.g. −30 % scope 1 + 2 against 2020, or 100 % renewable electricity.", "例如：较 2020 年范围一和二排放降低 30%，或 100% 使用可再生电力。"),
    ("esg.ghg_verification", "GHG verification", "温室气体第三方核查"),
    ("esg.verification.none", "Not verified", "未核查"),
    ("esg.verification.in_progress", "In verification", "核查中"),
    ("esg.verification.verified", "Verified", "已核查"),
    ("esg.verifier", "Verification body", "核查机构"),
    ("esg.statement", "Verification statement", "核查声明"),
    ("esg.statement_file", "Verification statement (file)", "核查声明（文件）"),
    ("esg.statement_current", "Current statement", "当前核查声明"),
    ("esg.section_values", "Emissions, energy and waste", "排放、能源与废弃物"),
    ("esg.section_target", "Reduction target", "减排目标"),
    ("esg.section_verification", "Third-party verification", "第三方核查"),
    ("esg.values_hint", "Numbers without units, 0 or more; leave empty what is not measured. Thousands separators are fine (1,165,000).", "只填数字，不小于 0；未统计的项目留空。可以使用千位分隔符（如 1,165,000）。"),
    ("esg.form_title", "Enter ESG data", "填报 ESG 数据"),
    ("esg.edit_title", "ESG data", "ESG 数据"),
    ("esg.form_help", "One record per supplier and year. Scope 1 and scope 2 are required; a value more than ten times last year's must be confirmed.", "每家供应商每年一条记录。范围一和范围二为必填；数值超过上一年十倍时需确认。"),
    ("esg.refused", "The data was not saved.", "数据未保存。"),
    ("esg.exists", "Data for this supplier and year already exists: open it from the list to change it.", "该供应商该年度的数据已存在，请在列表中打开后修改。"),
    ("esg.number", "Enter a number (digits, a decimal point, thousands separators).", "请输入数字（可含小数点和千位分隔符）。"),
    ("esg.negative", "The value cannot be negative.", "数值不能为负。"),
    ("esg.future_year", "The year cannot be in the future.", "年度不能是未来年份。"),
    ("esg.verification", "Choose none, in_progress or verified.", "请选择 none（未核查）、in_progress（核查中）或 verified（已核查）。"),
    ("esg.target_year_required", "A reduction target needs its target year.", "设定减排目标时须填写目标年份。"),
    ("esg.target_year_without_target", "A target year needs a reduction target (set “Reduction target set” to yes).", "只有设定减排目标时才填写目标年份。"),
    ("esg.target_year_range", "The target year must be between the reporting year and 2100.", "目标年份须在报告年度与 2100 年之间。"),
    ("esg.jump", "More than ten times last year's value: check it, then confirm to save it (API: \"confirm\": true).", "超过上一年数值的十倍：请核对后确认保存（API：“confirm”: true）。"),
    ("esg.jump_title", "These values are more than ten times last year's:", "以下数值超过上一年的十倍："),
    ("esg.jump_help", "If they are right, tick the box below and save again. (A statement file must be chosen again.)", "如确认无误，请勾选下方确认框后再次保存。（核查声明文件需重新选择。）"),
    ("esg.jump_confirm", "I have checked these values: they are correct.", "我已核对以上数值，确认无误。"),
    ("esg.supplier_section", "ESG data by year", "历年 ESG 数据"),
    ("esg.supplier_none", "No ESG data yet.", "尚无 ESG 数据。"),
    ("esg.indicator", "Indicator", "指标"),
    ("esg.requested", "Data requested for", "已征集数据："),
    ("esg.enter_year", "Enter data for", "填报数据："),
    ("esg.answered", "Answered", "已填报"),
    ("esg.awaiting", "Not yet answered", "未填报"),
    ("esg.due_on", "Due", "截止日期"),
    ("esg.own_help", "Your company's ESG data. Enter each year's figures once; you can correct them later.", "贵公司的 ESG 数据。每年填报一次，之后可以修改。"),
    ("esg.own_no_requests", "No open data requests.", "暂无数据征集。"),
    ("esg.request_for", "Data request for", "数据征集："),
    ("esg.climate_title", "Climate", "气候"),
    ("esg.compared_with", "compared with", "对比"),
    ("esg.reporting", "Suppliers reporting", "填报供应商"),
    ("esg.with_target", "With reduction target", "设定减排目标"),
    ("esg.ghg_verified", "GHG verified", "已完成温室气体核查"),
    ("esg.ghg_in_progress", "GHG in verification", "温室气体核查中"),
    ("esg.vs_last_year", "vs last year", "较上年"),
    ("esg.chart_emissions", "Scope 1 + 2 emissions by business unit (tCO2e)", "各业务部门范围一 + 二排放（tCO2e）"),
    ("esg.by_unit", "By business unit", "按业务部门"),
    ("esg.all_units", "All business units", "全部业务部门"),
    ("esg.climate_none", "No ESG data for this year.", "该年度暂无 ESG 数据。"),
    ("esg.climate_legend", "Each cell: this year above, the year before below:", "每格上方为本年，下方为上年："),
    ("esg.totals_note", "Totals depend on how many suppliers report; intensity compares like with like.", "总量随填报供应商数量变化；排放强度可直接比较。"),
    ("esg.intensity_note", "Intensity counts only suppliers that reported revenue.", "排放强度仅计入填报了营业收入的供应商。"),
    ("esg.environment", "Wastewater, exhaust gas and hazardous waste", "废水、废气与危险废物"),
    ("esg.requests_title", "Data requests", "数据征集"),
    ("esg.requests_help", "Ask every supplier in scope for a year's ESG data and follow who has answered. A supplier has answered once its data for that year is entered. Reminders to those who have not answered follow the reminder settings.", "向范围内所有供应商征集某一年度的 ESG 数据并跟踪填报情况。供应商录入该年度数据即视为已填报。未填报的供应商将按提醒设置收到提醒。"),
    ("esg.requests_none", "No data request yet.", "尚未发起数据征集。"),
    ("esg.request_new", "Request a year's data", "发起年度数据征集"),
    ("esg.request_hint", "Goes to every approved production supplier of the scope approved by the end of that year. Sending again for the same year and scope updates the due date and message and adds suppliers that came into scope since.", "发送给范围内该年底前已批准的所有生产性供应商。对同一年度和范围再次发送会更新截止日期和说明，并加入此后新进入范围的供应商。"),
    ("esg.request_send", "Send request", "发送征集"),
    ("esg.request_refused", "The request was not sent.", "征集未发送。"),
    ("esg.request_nobody", "No approved production supplier is in this scope for that year.", "该年度此范围内没有已批准的生产性供应商。"),
    ("esg.request_sent", "Request saved. Suppliers added:", "征集已保存。新增供应商数："),
    ("esg.due_in_past", "The due date cannot be in the past.", "截止日期不能早于今天。"),
    ("esg.scope", "Scope", "范围"),
    ("esg.message", "Message to suppliers", "致供应商说明"),
    ("esg.recipients", "Suppliers asked", "征集供应商数"),
    ("esg.sent_at", "Sent", "发起日期"),
    ("esg.status", "Status", "状态"),
    ("esg.last_reminder", "Last reminder (count)", "最近提醒（次数）"),
    ("import.kind.esg", "ESG data", "ESG 数据"),
    ("import.kind.training", "Training attendance", "培训参训记录"),
    ("import.warnings", "Values to check — importing confirms them", "需核对的数值——导入即表示确认"),
    ("import.confirm_warnings", "I have checked the values listed above: import them as they are.", "我已核对上述数值，按原样导入。"),
    ("import.confirm_needed", "Tick the box to confirm the values listed, or correct the file.", "请勾选确认框以确认所列数值，或修改文件。"),
    ("training.title", "Training", "培训"),
    ("training.new", "New training session", "新建培训"),
    ("training.none", "No training session matches.", "没有符合条件的培训。"),
    ("training.search", "Topic, reference or provider", "主题、编号或培训机构"),
    ("training.session_ref", "Reference", "培训编号"),
    ("training.ref_hint", "A short unique code, e.g. TR-2021-03.", "简短唯一编号，如 TR-2021-03。"),
    ("training.ref_taken", "A session with this reference already exists.", "该编号的培训已存在。"),
    ("training.held_on", "Date", "日期"),
    ("training.topic", "Topic", "主题"),
    ("training.format", "Format", "形式"),
    ("training.format.onsite", "On site", "现场"),
    ("training.format.online", "Online", "线上"),
    ("training.format.hybrid", "Hybrid", "线上线下结合"),
    ("training.provider", "Provider", "培训机构"),
    ("training.suppliers", "Suppliers", "供应商数"),
    ("training.people", "People", "人数"),
    ("training.people_hint", "People from this supplier who attended.", "该供应商的参训人数。"),
    ("training.people_trained", "people trained", "人次参训"),
    ("training.suppliers_reached", "suppliers reached", "家供应商参训"),
    ("training.attendance", "Attendance", "参训情况"),
    ("training.no_attendance", "No attendance recorded yet.", "尚无参训记录。"),
    ("training.add_attendance", "Record attendance", "录入参训"),
    ("training.attended", "Trainings attended", "参加的培训"),
    ("training.session_mismatch", "This session is already recorded with another date or topic.", "该培训已以不同的日期或主题录入。"),
    ("programme.section", "Improvement programmes", "改善项目"),
    ("programme.title", "Improvement programme", "改善项目"),
    ("programme.new", "New programme", "新建改善项目"),
    ("programme.none", "No improvement programme yet.", "尚无改善项目。"),
    ("programme.help", "A programme with the supplier (e.g. “satisfied factory”): its areas, actions, targets and measured results.", "与供应商共同开展的改善项目（如“满意工厂”）：改善领域、行动、目标与实测成果。"),
    ("programme.title_field", "Title", "名称"),
    ("programme.title_hint", "E.g. Satisfied factory 2021", "例如：满意工厂 2021"),
    ("programme.started_on", "Started", "开始日期"),
    ("programme.ended_on", "Ended", "结束日期"),
    ("programme.period", "Period", "期间"),
    ("programme.ongoing", "ongoing", "进行中"),
    ("programme.summary", "Summary", "概述"),
    ("programme.items", "Areas, actions and results", "改善领域、行动与成果"),
    ("programme.no_items", "No area recorded yet.", "尚无改善领域。"),
    ("programme.add_item", "Add area", "添加改善领域"),
    ("programme.area", "Area", "改善领域"),
    ("programme.area.energy_saving", "Energy saving", "节能降碳"),
    ("programme.area.circular_use", "Circular use", "循环利用"),
    ("programme.area.legal_compliance", "Legal compliance", "合规经营"),
    ("programme.area.worker_satisfaction", "Worker satisfaction", "员工满意度"),
    ("programme.area.health_safety", "Health and safety", "健康与安全"),
    ("programme.area.other", "Other", "其他"),
    ("programme.actions", "Actions", "改善行动"),
    ("programme.target", "Target", "目标"),
    ("programme.indicator", "Indicator", "指标"),
    ("programme.indicator_hint", "What was measured, e.g. carbon emissions, cost savings.", "测量内容，如碳排放、节约成本。"),
    ("programme.result", "Measured result", "实测成果"),
    ("programme.result_value", "Result", "成果数值"),
    ("programme.result_hint", "A number; a fall is negative (e.g. −14.92).", "填写数字；下降为负数（如 −14.92）。"),
    ("programme.result_unit", "Unit", "单位"),
    ("programme.unit", "Choose the unit of the result.", "请选择成果的单位。"),
    ("programme.unit.pct_change", "% change", "变化百分比（%）"),
    ("programme.unit.cny", "CNY", "人民币元"),
    ("programme.unit.tco2e", "tCO2e", "吨二氧化碳当量"),
    ("programme.unit.mwh", "MWh", "兆瓦时"),
    ("programme.unit.t", "t", "吨"),
    ("programme.end_before_start", "The end is before the start.", "结束日期早于开始日期。"),
    ("programme.area_unknown", "Choose one of the listed areas.", "请选择列表中的改善领域。"),
    ("training.format_unknown", "Choose on site, online or hybrid.", "请选择现场、线上或线上线下结合。"),
    ("training.people_count", "Enter a whole number of people, at least 1.", "请输入不小于 1 的整数人数。"),
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
    ("field.date", "Enter a date as YYYY-MM-DD.", "日期格式应为 YYYY-MM-DD。"),
    ("field.future_date", "The date cannot be in the future.", "日期不能晚于今天。"),
    ("field.flag", "Enter yes or no.", "请填写是或否。"),
    ("field.slug", "Use lower-case letters, digits, - or _.", "请使用小写字母、数字、- 或 _。"),
    ("field.code", "Use letters, digits, -, _ or . (at most 32).", "请使用字母、数字、-、_ 或 .（最多 32 个）。"),
    ("field.code_taken", "A supplier with this code already exists.", "该代码已被其他供应商使用。"),
    ("field.country", "Enter a two-letter ISO country code (e.g. CN, HK, TW).", "请输入两位 ISO 国家/地区代码（如 CN、HK、TW）。"),
    ("field.uscc", "This is not a valid Unified Social Credit Code (check digit or characters are wrong).", "统一社会信用代码无效（校验位或字符有误）。"),
    ("field.uscc_required", "A USCC is required for suppliers in mainland China.", "中国大陆供应商必须填写统一社会信用代码。"),
    ("field.uscc_taken", "Another supplier already has this USCC.", "该统一社会信用代码已被其他供应商使用。"),
    ("field.tier", "Tier must be 1 or 2.", "层级必须为 1 或 2。"),
    ("field.parent_required", "A tier-2 supplier needs the tier-1 supplier it supplies.", "二级供应商须填写其供货的一级供应商。"),
    ("field.parent_tier1", "Only tier-2 suppliers have a parent.", "只有二级供应商才有上级供应商。"),
    ("field.parent_unknown", "No supplier has this code.", "没有该代码的供应商。"),
    ("field.parent_not_tier1", "The parent must be another tier-1 supplier.", "上级必须是另一家一级供应商。"),
    ("field.status", "Unknown status.", "未知状态。"),
    ("field.status_not_allowed", "This status cannot be set here; approval and rejection come only from an onboarding review.", "此处不能设置该状态；批准与拒绝只能通过准入审核。"),
    ("field.status_change", "This status change is not allowed; approval comes only from an onboarding review.", "不允许此状态变更；批准只能通过准入审核。"),
    ("field.approved_on_required", "An approved supplier needs its approval date.", "已批准的供应商须填写批准日期。"),
    ("field.exited_on_required", "An exited supplier needs its exit date.", "已退出的供应商须填写退出日期。"),
    ("field.exit_before_approval", "The exit date is before the approval date.", "退出日期早于批准日期。"),
    ("field.region", "Unknown region.", "未知区域。"),
    ("field.sort", "Unknown sort order.", "未知排序方式。"),
    ("field.supplier_required", "A supplier contact needs the code of their supplier.", "供应商用户须填写所属供应商代码。"),
    ("field.supplier_only", "Only supplier contacts are tied to a supplier.", "只有供应商用户才关联供应商。"),
    ("field.unknown_supplier", "No supplier has this code.", "没有该代码的供应商。"),
    ("field.duplicate_in_file", "This value appears more than once in the file.", "该值在文件中重复出现。"),
    ("users.supplier_code", "Supplier (code)", "所属供应商（代码）"),
    ("users.supplier_hint", "Only for the supplier role: the company this contact may see.", "仅供应商角色填写：该联系人可查看的公司。"),
    ("settings.upload_limit_mb", "Upload size limit (MB)", "上传文件大小上限（MB）"),
    ("settings.grade_excellent_from", "Audit grade excellent from score", "审核评级“优秀”最低分"),
    ("settings.grade_medium_from", "Audit grade medium from score", "审核评级“中等”最低分"),
    ("settings.risk_high_from", "Risk tier high from score", "高风险最低分"),
    ("settings.risk_medium_from", "Risk tier medium from score", "中风险最低分"),
    ("settings.risk_weight_saq", "Risk weight: self-assessment", "风险权重：自评问卷"),
    ("settings.risk_weight_country", "Risk weight: country", "风险权重：国家/地区"),
    ("settings.risk_weight_category", "Risk weight: category", "风险权重：品类"),
    ("settings.risk_weight_audit", "Risk weight: last audit score", "风险权重：最近审核得分"),
    ("settings.risk_weight_findings", "Risk weight: open findings", "风险权重：未关闭发现项"),
    ("settings.risk_high_countries", "Higher-risk countries (ISO codes, comma-separated)", "较高风险国家/地区（ISO 代码，逗号分隔）"),
    ("settings.risk_high_categories", "Higher-risk categories (comma-separated)", "较高风险品类（逗号分隔）"),
    ("settings.order", "Must be higher than the next cut-off below it.", "必须高于下一档的分数线。"),
    // Conflict minerals
    ("import.kind.smelters", "RMI smelter list", "RMI 冶炼厂清单"),
    ("import.kind.cmrt", "CMRT / EMRT workbook", "CMRT / EMRT 工作簿"),
    ("import.no_rows", "The file has no data rows.", "文件中没有数据行。"),
    ("metal.cobalt", "Cobalt", "钴"),
    ("metal.copper", "Copper", "铜"),
    ("metal.gold", "Gold", "金"),
    ("metal.graphite", "Graphite", "石墨"),
    ("metal.lithium", "Lithium", "锂"),
    ("metal.mica", "Mica", "云母"),
    ("metal.nickel", "Nickel", "镍"),
    ("metal.tantalum", "Tantalum", "钽"),
    ("metal.tin", "Tin", "锡"),
    ("metal.tungsten", "Tungsten", "钨"),
    ("rmap.conformant", "Conformant", "符合标准"),
    ("rmap.active", "Active", "进行中"),
    ("rmap.non_conformant", "Non-conformant", "不符合标准"),
    ("rmap.not_enrolled", "Not enrolled", "未参与"),
    ("smelter.supply_chain", "Smelter supply chain", "冶炼厂供应链"),
    ("smelter.reference", "RMI smelter list", "RMI 冶炼厂清单"),
    ("smelter.reference_help", "The Responsible Minerals Initiative's list of smelters and refiners with their RMAP status. Import a new list to update statuses; each change is kept with its date.", "责任矿产倡议（RMI）发布的冶炼厂/精炼厂清单及其 RMAP 状态。导入新清单即可更新状态，每次变更都会按日期保留。"),
    ("smelter.import_reference", "Import RMI list", "导入 RMI 清单"),
    ("smelter.import_files", "Import CMRT/EMRT", "导入 CMRT/EMRT"),
    ("smelter.suppliers_view", "Suppliers' smelter lists", "供应商冶炼厂清单"),
    ("smelter.suppliers_with_problems", "Suppliers with non-conformant or unknown smelters", "清单中含不合规或未知冶炼厂的供应商"),
    ("smelter.only_problems", "Only with non-conformant or unknown smelters", "仅显示含不合规或未知冶炼厂的供应商"),
    ("smelter.total", "Smelters", "冶炼厂数"),
    ("smelter.countries", "Countries", "国家/地区数"),
    ("smelter.conformant", "Conformant", "符合标准"),
    ("smelter.conformant_share", "RMAP-conformant", "RMAP 合规比例"),
    ("smelter.by_metal", "By metal", "按金属"),
    ("smelter.none_declared", "No CMRT or EMRT file declares a smelter for this year.", "本年度没有 CMRT 或 EMRT 文件申报冶炼厂。"),
    ("smelter.declared", "Declared smelters", "已申报的冶炼厂"),
    ("smelter.declared_by", "Declared by", "申报供应商"),
    ("smelter.not_declared", "No supplier declares this smelter.", "没有供应商申报该冶炼厂。"),
    ("smelter.search", "Smelter ID, name or country", "冶炼厂识别号码、名称或国家"),
    ("smelter.none", "No smelters match.", "没有符合条件的冶炼厂。"),
    ("smelter.id", "Smelter ID", "冶炼厂识别号码"),
    ("smelter.metal", "Metal", "金属"),
    ("smelter.name", "Smelter", "冶炼厂"),
    ("smelter.country", "Country", "国家/地区"),
    ("smelter.rmap_status", "RMAP status", "RMAP 状态"),
    ("smelter.status_since", "since", "起始日期"),
    ("smelter.suppliers", "Suppliers", "供应商数"),
    ("smelter.history", "RMAP status history", "RMAP 状态历史"),
    ("smelter.changed_on", "Date", "日期"),
    ("smelter.previous_status", "Before", "变更前"),
    ("smelter.first_listed", "first listed", "首次列入"),
    ("smelter.not_conformant", "Not conformant", "不合规"),
    ("smelter.unmatched", "Unknown", "未识别"),
    ("smelter.no_submissions", "No supplier has submitted a file for this year.", "本年度尚无供应商提交文件。"),
    ("smelter.supplier_title", "Smelters (CMRT/EMRT)", "冶炼厂（CMRT/EMRT）"),
    ("cmrt.supplier", "Supplier code (CMRT/EMRT only)", "供应商代码（仅 CMRT/EMRT）"),
    ("cmrt.year", "Reporting year", "报告年度"),
    ("cmrt.import_hint", "A CMRT/EMRT workbook belongs to one supplier and one reporting year.", "一份 CMRT/EMRT 工作簿对应一家供应商和一个报告年度。"),
    ("cmrt.layout", "A CMRT 6.x or EMRT 1.x/2.x workbook as the RMI publishes it, in any display language: the Declaration and Smelter List sheets are read by position.", "RMI 发布的 CMRT 6.x 或 EMRT 1.x/2.x 工作簿，任何显示语言均可：按位置读取 Declaration 与 Smelter List 工作表。"),
    ("cmrt.upload", "Upload CMRT / EMRT", "上传 CMRT / EMRT"),
    ("cmrt.upload_help", "Upload the Conflict Minerals (CMRT 6.x) or Extended Minerals (EMRT 1.x/2.x) Reporting Template as an .xlsx file. It is checked first; nothing is saved until you confirm. A new file for the same year replaces the earlier one.", "请上传 .xlsx 格式的冲突矿产报告模板（CMRT 6.x）或扩展矿产报告模板（EMRT 1.x/2.x）。系统先检查文件，确认后才会保存。同一年度的新文件将替换之前的文件。"),
    ("cmrt.file", "Workbook (.xlsx)", "工作簿（.xlsx）"),
    ("cmrt.submissions", "Submitted files", "已提交的文件"),
    ("cmrt.none", "No CMRT or EMRT file yet.", "尚无 CMRT 或 EMRT 文件。"),
    ("cmrt.template", "Template", "模板"),
    ("cmrt.company", "Company", "公司"),
    ("cmrt.rows", "Rows", "行数"),
    ("cmrt.matched", "Matched", "已匹配"),
    ("cmrt.flagged", "With remarks", "有备注"),
    ("cmrt.imported_at", "Imported", "导入时间"),
    ("cmrt.download", "Download file", "下载文件"),
    ("cmrt.report", "Check report", "检查报告"),
    ("cmrt.all_matched", "Every row matches a smelter of the RMI list.", "所有行均与 RMI 清单中的冶炼厂匹配。"),
    ("cmrt.issues", "Remarks", "备注"),
    ("cmrt.remarks", "Remarks", "备注"),
    ("cmrt.kept", "these rows are kept as they are", "这些行已按原样保留"),
    ("cmrt.same_file", "This exact file was imported before; importing it again changes nothing.", "该文件此前已导入，再次导入不会产生变化。"),
    ("cmrt.replaces", "This file replaces the supplier's earlier file for the same year.", "该文件将替换该供应商同一年度的原有文件。"),
    ("cmrt.answers", "Declaration: questions by metal", "声明：按金属的问题"),
    ("cmrt.company_questions", "Company-level questions", "公司层面问题"),
    ("cmrt.question", "Question", "问题"),
    ("cmrt.answer", "Answer", "回答"),
    ("cmrt.comment", "Comment", "注释"),
    ("cmrt.smelter_list", "Smelter List", "冶炼厂清单"),
    ("cmrt.given", "As given in the file", "文件中的填写"),
    ("cmrt.matched_smelter", "RMI smelter", "RMI 冶炼厂"),
    ("cmrt.company.name", "Company name", "公司名称"),
    ("cmrt.company.scope", "Declaration scope", "申报范围或种类"),
    ("cmrt.company.scope_description", "Description of scope", "范围描述"),
    ("cmrt.company.unique_id", "Company unique ID", "公司唯一识别信息"),
    ("cmrt.company.unique_id_authority", "Unique ID authority", "公司唯一授权识别信息"),
    ("cmrt.company.address", "Address", "地址"),
    ("cmrt.company.contact_name", "Contact name", "联系人姓名"),
    ("cmrt.company.contact_email", "Contact e-mail", "电子邮件 - 联系人"),
    ("cmrt.company.contact_phone", "Contact phone", "电话 - 联系人"),
    ("cmrt.company.authorizer", "Authorizer", "授权人"),
    ("cmrt.company.authorizer_title", "Authorizer title", "职务 - 授权人"),
    ("cmrt.company.authorizer_email", "Authorizer e-mail", "电子邮件 - 授权人"),
    ("cmrt.company.authorizer_phone", "Authorizer phone", "电话 - 授权人"),
    ("cmrt.company.effective_date", "Effective date", "生效日期"),
    ("cmrt.not_workbook", "This is not a CMRT or EMRT workbook: upload the template as an .xlsx file.", "这不是 CMRT 或 EMRT 工作簿：请上传 .xlsx 格式的模板。"),
    ("cmrt.old_xls", "This is an old .xls workbook: open it in Excel and save it as .xlsx.", "这是旧版 .xls 工作簿：请在 Excel 中打开并另存为 .xlsx。"),
    ("cmrt.password_protected", "The workbook is password-protected: save it without a password and upload it again.", "工作簿受密码保护：请取消密码后保存并重新上传。"),
    ("cmrt.missing_sheet", "This is not a CMRT or EMRT workbook: a sheet is missing:", "这不是 CMRT 或 EMRT 工作簿，缺少工作表："),
    ("cmrt.no_revision", "Declaration!J3 holds no revision: is this a CMRT or EMRT?", "Declaration!J3 中没有版本号：这是 CMRT 或 EMRT 吗？"),
    ("cmrt.revision", "Unsupported revision: only CMRT 6.x and EMRT 1.x/2.x are read.", "不支持该版本：仅支持 CMRT 6.x 和 EMRT 1.x/2.x。"),
    ("cmrt.supplier_required", "Give the code of the supplier whose file this is.", "请填写该文件所属供应商的代码。"),
    ("cmrt.unknown_supplier", "No supplier has this code.", "没有该代码的供应商。"),
    ("cmrt.year_required", "Give the reporting year the file covers.", "请填写文件对应的报告年度。"),
    ("cmrt.bad_year", "Enter a reporting year (2010 or later).", "请输入报告年度（2010 年或以后）。"),
    ("cmrt.future_year", "The reporting year cannot be in the future.", "报告年度不能晚于今年。"),
    ("cmrt.remark.company_missing", "The company name (Declaration!D8) is empty.", "公司名称（Declaration!D8）为空。"),
    ("cmrt.issue.unknown_metal", "Unknown metal", "未知金属"),
    ("cmrt.issue.malformed_id", "Not a smelter ID (CID and six digits)", "不是有效的冶炼厂识别号码（CID 加六位数字）"),
    ("cmrt.issue.unknown_id", "Smelter ID not in the RMI list", "RMI 清单中无此识别号码"),
    ("cmrt.issue.unmatched", "No smelter of the RMI list matches", "与 RMI 清单中的冶炼厂均不匹配"),
    ("cmrt.issue.metal_mismatch", "The RMI list has this smelter under another metal", "RMI 清单中该冶炼厂属于其他金属"),
    ("cmrt.issue.duplicate", "Listed more than once", "重复列出"),
    ("cmrt.issue.wrong_template", "This metal belongs in the other template", "该金属应填写在另一模板中"),
    ("plan.title", "Replacement plans", "替换计划"),
    ("plan.one", "Replacement plan", "替换计划"),
    ("plan.help", "A smelter that is not RMAP-conformant in a supplier's latest file opens a plan: replace it, or have it enrol in RMAP. The plan closes when the smelter becomes conformant or leaves the supplier's list.", "供应商最新文件中未达到 RMAP 合规的冶炼厂会自动生成计划：替换该冶炼厂，或推动其参与 RMAP。冶炼厂合规或从供应商清单中移除后，计划自动关闭。"),
    ("plan.none", "No replacement plans.", "没有替换计划。"),
    ("plan.status", "Status", "状态"),
    ("plan.action", "Action", "措施"),
    ("plan.due_on", "Due", "截止日期"),
    ("plan.opened_on", "Opened", "创建日期"),
    ("plan.closed_on", "Closed", "关闭日期"),
    ("plan.owner", "Owner", "负责人"),
    ("plan.note", "Note", "备注"),
    ("plan.overdue", "Overdue", "已逾期"),
    ("plan.not_closed", "Not closed", "未关闭"),
    ("plan.status.open", "Open", "待处理"),
    ("plan.status.in_progress", "In progress", "进行中"),
    ("plan.status.closed", "Closed", "已关闭"),
    ("plan.action.undecided", "To be decided", "待定"),
    ("plan.action.replace", "Replace the smelter", "替换冶炼厂"),
    ("plan.action.enrol", "Have it enrol in RMAP", "推动其参与 RMAP"),
    ("plan.reason.conformant", "the smelter became conformant", "冶炼厂已合规"),
    ("plan.reason.removed", "no longer in the supplier's latest file", "已不在供应商最新文件中"),
    ("plan.reason.manual", "closed by hand", "手动关闭"),
    ("plan.log.open", "Opened", "创建"),
    ("plan.log.update", "Edited", "编辑"),
    ("plan.log.close_conformant", "Closed: smelter conformant", "关闭：冶炼厂已合规"),
    ("plan.log.close_removed", "Closed: no longer listed", "关闭：已不在清单中"),
    ("field.smelter_id", "A smelter ID is CID and six digits, e.g. CID002158.", "冶炼厂识别号码为 CID 加六位数字，如 CID002158。"),
    ("field.metal", "Unknown metal: tin, tantalum, tungsten, gold, cobalt, mica…", "未知金属：锡、钽、钨、金、钴、云母……"),
    ("field.rmap_status", "Unknown RMAP status: conformant, active, non_conformant or not_enrolled.", "未知 RMAP 状态：conformant、active、non_conformant 或 not_enrolled。"),
    ("field.plan_action", "Choose replace, enrol or to be decided.", "请选择替换、推动参与或待定。"),
    ("field.plan_status", "Unknown plan status.", "未知计划状态。"),
    ("settings.reminder_days_before", "Reminders: days before the due date (comma-separated)", "提醒：到期前天数（逗号分隔）"),
    ("settings.esg_leads", "ESG lead per business unit for escalations (unit:e-mail, comma-separated)", "各事业部 ESG 负责人，用于升级提醒（事业部:邮箱，逗号分隔）"),
    ("settings.reminder_on_due_date", "Reminder on the due date (1 = on, 0 = off)", "到期当日提醒（1 = 开，0 = 关）"),
    ("settings.reminder_overdue_every_days", "Overdue reminder every N days (0 = off)", "逾期后每 N 天提醒一次（0 = 关）"),
    ("settings.reminder_stale_days", "Reminder when no progress for N days (0 = off)", "连续 N 天无进展时提醒（0 = 关）"),
    ("settings.reminder_escalation_days", "Escalate to the ESG lead at N days overdue (0 = off)", "逾期 N 天时升级至 ESG 负责人（0 = 关）"),
    ("settings.reminder_digest_weekday", "Buyers' weekly digest on weekday (1 = Monday … 7 = Sunday, 0 = off)", "采购员每周摘要发送日（1 = 周一 … 7 = 周日，0 = 关）"),
    ("settings.reminder_digest_due_within", "Digest lists actions due within N days", "摘要列出 N 天内到期的整改行动"),
    ("settings.reminder_interval_minutes", "Run the reminders every N minutes while serving (0 = off)", "服务运行时每 N 分钟执行一次提醒（0 = 关）"),
    ("settings.reminder_days_before_invalid", "Whole numbers of days from 1 to 365, comma-separated.", "请填写 1 到 365 之间的整数天数，以逗号分隔。"),
    ("settings.esg_leads_invalid", "Each item must be business_unit:e-mail, e.g. phones:lead@example.com.", "每一项须为 事业部:邮箱，例如 phones:lead@example.com。"),
    // E-mail
    ("mail.subject.due_soon", "Corrective action {ref} ({supplier}) is due in {days} days, on {due}", "整改行动 {ref}（{supplier}）将于 {days} 天后到期（{due}）"),
    ("mail.subject.due_today", "Corrective action {ref} ({supplier}) is due today, {due}", "整改行动 {ref}（{supplier}）今天到期（{due}）"),
    ("mail.subject.overdue", "Corrective action {ref} ({supplier}) is {days} days overdue", "整改行动 {ref}（{supplier}）已逾期 {days} 天"),
    ("mail.subject.no_progress", "No progress on corrective action {ref} ({supplier}) for {days} days", "整改行动 {ref}（{supplier}）已 {days} 天无进展"),
    ("mail.subject.escalation", "Escalation: corrective action {ref} ({supplier}) is {days} days overdue", "升级提醒：整改行动 {ref}（{supplier}）已逾期 {days} 天"),
    ("mail.subject.digest", "Weekly digest {week}: {overdue} overdue, {soon} due soon", "每周摘要 {week}：{overdue} 项逾期，{soon} 项即将到期"),
    ("mail.intro.due_soon", "This corrective action is due in {days} days, on {due}.", "此整改行动将于 {days} 天后（{due}）到期。"),
    ("mail.intro.due_today", "This corrective action is due today ({due}).", "此整改行动今天（{due}）到期。"),
    ("mail.intro.overdue", "This corrective action is {days} days overdue (due {due}). Please complete it, or ask your buyer for an extension.", "此整改行动已逾期 {days} 天（到期日 {due}）。请尽快完成，或向采购员申请延期。"),
    ("mail.intro.no_progress", "No progress has been logged on this corrective action for {days} days. Please record this week's progress.", "此整改行动已 {days} 天未记录进展。请登记本周进展。"),
    ("mail.intro.escalation", "This corrective action is {days} days overdue (due {due}); it is escalated to you as the business unit's ESG lead.", "此整改行动已逾期 {days} 天（到期日 {due}），现升级至您（事业部 ESG 负责人）。"),
    ("mail.intro.digest", "Your suppliers' corrective actions that are overdue or due within {days} days, by supplier.", "您负责的供应商中已逾期或 {days} 天内到期的整改行动（按供应商分组）。"),
    ("mail.digest.overdue", "{days} days overdue", "已逾期 {days} 天"),
    ("mail.digest.due_today", "due today", "今天到期"),
    ("mail.digest.due_in", "due in {days} days", "{days} 天后到期"),
    ("mail.digest.all", "All corrective actions", "全部整改行动"),
    ("mail.supplier", "Supplier", "供应商"),
    ("mail.finding", "Finding", "发现项"),
    ("mail.due", "Due", "到期日"),
    ("mail.status", "Status", "状态"),
    ("mail.last_progress", "Last progress entry", "最近进展记录"),
    ("mail.open", "Open the corrective action", "打开整改行动"),
    ("mail.footer", "An automatic message from Supplier ESG.", "此邮件由供应商 ESG 系统自动发送。"),
    // Outbox
    ("nav.outbox", "Outbox", "发件箱"),
    ("outbox.title", "E-mail outbox", "邮件发件箱"),
    ("outbox.none", "No messages.", "没有邮件。"),
    ("outbox.status", "Status", "状态"),
    ("outbox.status.queued", "Queued", "待发送"),
    ("outbox.status.sent", "Sent", "已发送"),
    ("outbox.status.failed", "Failed", "失败"),
    ("outbox.rule", "Rule", "规则"),
    ("outbox.rule.due_soon", "Due soon", "即将到期"),
    ("outbox.rule.due_today", "Due today", "今天到期"),
    ("outbox.rule.overdue", "Overdue", "已逾期"),
    ("outbox.rule.no_progress", "No progress", "无进展"),
    ("outbox.rule.escalation", "Escalation", "升级"),
    ("outbox.rule.digest", "Weekly digest", "每周摘要"),
    ("outbox.recipient", "Recipient", "收件人"),
    ("outbox.subject", "Subject", "主题"),
    ("outbox.attempts", "Attempts", "尝试次数"),
    ("outbox.error", "Last error", "最近错误"),
    ("outbox.created", "Queued at", "入队时间"),
    ("outbox.sent_at", "Sent at", "发送时间"),
    ("outbox.next_attempt", "Next attempt", "下次尝试"),
    ("outbox.resend", "Resend", "重新发送"),
    ("outbox.resent", "The message is queued again; it goes out on the next run.", "邮件已重新入队，将在下次运行时发送。"),
    ("outbox.search", "Recipient or subject", "收件人或主题"),
    ("outbox.status_invalid", "Unknown outbox status.", "未知的发件箱状态。"),
    ("outbox.rule_invalid", "Unknown reminder rule.", "未知的提醒规则。"),
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
        "error.method_not_allowed",
        "This address does not take that kind of request.",
        "此地址不接受这种请求方式。",
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

/// FNV-1a: a page looks up a hundred short keys, and the standard library's
/// DoS-resistant hasher cost more than the rest of the lookup. The keys
/// are our own, so nothing here needs that resistance.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Table = HashMap<&'static str, (&'static str, &'static str), BuildHasherDefault<KeyHasher>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
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

    /// Every message key written in the Rust code (field problems, import
    /// reasons…) names a key of the table.
    #[test]
    fn every_code_key_exists() {
        let prefixes = [
            "field.",
            "review.",
            "password.",
            "import.",
            "users.",
            "login.",
            "esg.",
            "training.",
            "programme.",
            "cmrt.",
            "smelter.",
            "plan.",
            "metal.",
            "rmap.",
        ];
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split('"').skip(1).step_by(2) {
                    let looks_like_key = prefixes
                        .iter()
                        .any(|p| piece.len() > p.len() && piece.starts_with(p))
                        && !piece.ends_with(".html")
                        && piece
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
                    if looks_like_key && !has_key(piece) {
                        missing.push(format!("{}: {piece}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
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

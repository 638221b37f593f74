// One schema for both backends. Columns use only types that map the same way on
// SQLite and PostgreSQL (Integer, Text, Bool, Date, Timestamp).

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        name -> Text,
        role -> Text,
        language -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        supplier_id -> Nullable<Integer>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Integer,
        account -> Text,
        address -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor -> Text,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
        updated_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    suppliers (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        name_local -> Text,
        uscc -> Nullable<Text>,
        country -> Text,
        business_unit -> Text,
        category -> Text,
        tier -> Integer,
        parent_id -> Nullable<Integer>,
        production -> Bool,
        status -> Text,
        approved_on -> Nullable<Date>,
        exited_on -> Nullable<Date>,
        contact_name -> Text,
        contact_email -> Text,
        buyer_email -> Text,
        csr_signed_on -> Nullable<Date>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    attachments (id) {
        id -> Integer,
        owner_type -> Text,
        owner_id -> Integer,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> Integer,
        sha256 -> Text,
        content -> Binary,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
    }
}

diesel::table! {
    onboarding_reviews (id) {
        id -> Integer,
        supplier_id -> Integer,
        decided_on -> Date,
        decision -> Text,
        evidence_type -> Nullable<Text>,
        evidence_firm -> Text,
        evidence_date -> Nullable<Date>,
        evidence_attachment_id -> Nullable<Integer>,
        csr_signed_on -> Nullable<Date>,
        failed_red_lines -> Text,
        note -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    review_red_lines (review_id, code) {
        review_id -> Integer,
        code -> Text,
        assessment -> Text,
        note -> Text,
    }
}

diesel::table! {
    risk_assessments (id) {
        id -> Integer,
        supplier_id -> Integer,
        assessed_on -> Date,
        saq_score -> Nullable<Integer>,
        score -> Integer,
        computed_tier -> Text,
        tier -> Text,
        override_reason -> Text,
        factors_json -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audits (id) {
        id -> Integer,
        audit_ref -> Text,
        supplier_id -> Integer,
        kind -> Text,
        firm -> Text,
        auditor_id -> Nullable<Integer>,
        plan_year -> Nullable<Integer>,
        plan_reason -> Text,
        planned_on -> Nullable<Date>,
        performed_on -> Nullable<Date>,
        score -> Nullable<Integer>,
        status -> Text,
        report_attachment_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    rba_clauses (code) {
        code -> Text,
        section -> Text,
        title_en -> Text,
        title_zh -> Text,
        code_version -> Text,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    findings (id) {
        id -> Integer,
        finding_ref -> Text,
        audit_id -> Integer,
        clause -> Text,
        severity -> Text,
        red_line -> Nullable<Text>,
        description -> Text,
        found_on -> Date,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    corrective_actions (id) {
        id -> Integer,
        finding_id -> Integer,
        supplier_id -> Integer,
        status -> Text,
        due_on -> Date,
        original_due_on -> Date,
        root_cause -> Text,
        planned_actions -> Text,
        owner -> Text,
        last_progress_on -> Nullable<Date>,
        percent_done -> Integer,
        closed_on -> Nullable<Date>,
        verified_by -> Nullable<Integer>,
        verification_note -> Text,
        verification_attachment_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    action_progress (id) {
        id -> Integer,
        action_id -> Integer,
        entry_on -> Date,
        percent -> Integer,
        note -> Text,
        attachment_id -> Nullable<Integer>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        rule -> Text,
        object_key -> Text,
        recipient -> Text,
        period -> Text,
        language -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(findings -> audits (audit_id));
diesel::joinable!(corrective_actions -> findings (finding_id));
diesel::joinable!(corrective_actions -> suppliers (supplier_id));
diesel::joinable!(action_progress -> corrective_actions (action_id));
diesel::joinable!(risk_assessments -> suppliers (supplier_id));
diesel::joinable!(audits -> suppliers (supplier_id));
diesel::joinable!(onboarding_reviews -> suppliers (supplier_id));
diesel::joinable!(review_red_lines -> onboarding_reviews (review_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    api_tokens,
    login_failures,
    audit_log,
    settings,
    suppliers,
    attachments,
    onboarding_reviews,
    review_red_lines,
    risk_assessments,
    audits,
    rba_clauses,
    findings,
    corrective_actions,
    action_progress,
    outbox,
);

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
    esg_data (id) {
        id -> Integer,
        supplier_id -> Integer,
        year -> Integer,
        renewable_mwh -> Nullable<Double>,
        scope1_t -> Double,
        scope2_t -> Double,
        has_target -> Bool,
        target_text -> Text,
        target_year -> Nullable<Integer>,
        ghg_verification -> Text,
        verifier -> Text,
        statement_attachment_id -> Nullable<Integer>,
        wastewater_t -> Nullable<Double>,
        exhaust_t -> Nullable<Double>,
        hazardous_waste_t -> Nullable<Double>,
        revenue_mcny -> Nullable<Double>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    esg_requests (id) {
        id -> Integer,
        year -> Integer,
        business_unit -> Text,
        due_on -> Nullable<Date>,
        message -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    esg_request_recipients (request_id, supplier_id) {
        request_id -> Integer,
        supplier_id -> Integer,
        added_at -> Timestamp,
        last_reminded_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Integer,
        session_ref -> Text,
        held_on -> Date,
        topic -> Text,
        format -> Text,
        provider -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    training_attendance (session_id, supplier_id) {
        session_id -> Integer,
        supplier_id -> Integer,
        people -> Integer,
    }
}

diesel::table! {
    improvement_programmes (id) {
        id -> Integer,
        supplier_id -> Integer,
        title -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        summary -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    programme_items (id) {
        id -> Integer,
        programme_id -> Integer,
        area -> Text,
        actions -> Text,
        target -> Text,
        indicator -> Text,
        result_value -> Nullable<Double>,
        result_unit -> Text,
    }
}

diesel::table! {
    smelters (id) {
        id -> Integer,
        smelter_id -> Text,
        metal -> Text,
        name -> Text,
        country -> Text,
        rmap_status -> Text,
        status_since -> Date,
        name_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    smelter_status_history (id) {
        id -> Integer,
        smelter_ref_id -> Integer,
        changed_on -> Date,
        previous_status -> Nullable<Text>,
        status -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    mineral_submissions (id) {
        id -> Integer,
        supplier_id -> Integer,
        year -> Integer,
        template -> Text,
        revision -> Text,
        company_name -> Text,
        declaration_scope -> Text,
        declaration_json -> Text,
        file_name -> Text,
        sha256 -> Text,
        attachment_id -> Nullable<Integer>,
        rows_total -> Integer,
        rows_matched -> Integer,
        rows_flagged -> Integer,
        imported_at -> Timestamp,
        imported_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    smelter_declarations (id) {
        id -> Integer,
        submission_id -> Integer,
        row_number -> Integer,
        metal_text -> Text,
        metal -> Nullable<Text>,
        lookup_name -> Text,
        smelter_name -> Text,
        country_text -> Text,
        id_input -> Text,
        smelter_id_text -> Text,
        id_source -> Text,
        street -> Text,
        city -> Text,
        state_province -> Text,
        contact_name -> Text,
        contact_email -> Text,
        next_steps -> Text,
        mine_name -> Text,
        mine_country -> Text,
        recycled -> Text,
        comments -> Text,
        smelter_ref_id -> Nullable<Integer>,
        match_kind -> Text,
        issues -> Text,
    }
}

diesel::table! {
    replacement_plans (id) {
        id -> Integer,
        supplier_id -> Integer,
        smelter_ref_id -> Integer,
        opened_on -> Date,
        due_on -> Date,
        action -> Text,
        owner_email -> Text,
        status -> Text,
        closed_on -> Nullable<Date>,
        close_reason -> Text,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
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
diesel::joinable!(esg_data -> suppliers (supplier_id));
diesel::joinable!(esg_request_recipients -> esg_requests (request_id));
diesel::joinable!(esg_request_recipients -> suppliers (supplier_id));
diesel::joinable!(training_attendance -> training_sessions (session_id));
diesel::joinable!(training_attendance -> suppliers (supplier_id));
diesel::joinable!(improvement_programmes -> suppliers (supplier_id));
diesel::joinable!(programme_items -> improvement_programmes (programme_id));
diesel::joinable!(smelter_status_history -> smelters (smelter_ref_id));
diesel::joinable!(mineral_submissions -> suppliers (supplier_id));
diesel::joinable!(smelter_declarations -> mineral_submissions (submission_id));
diesel::joinable!(smelter_declarations -> smelters (smelter_ref_id));
diesel::joinable!(replacement_plans -> suppliers (supplier_id));
diesel::joinable!(replacement_plans -> smelters (smelter_ref_id));

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
    esg_data,
    esg_requests,
    esg_request_recipients,
    training_sessions,
    training_attendance,
    improvement_programmes,
    programme_items,
    smelters,
    smelter_status_history,
    mineral_submissions,
    smelter_declarations,
    replacement_plans,
    outbox,
);

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    suppliers::business_unit,
    esg_data::year,
    esg_data::has_target,
    esg_data::ghg_verification,
);

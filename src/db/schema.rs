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

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    api_tokens,
    login_failures,
    audit_log,
    settings,
);
